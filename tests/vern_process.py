"""`vern` in a process of its own, without paying the interpreter's start each time.

The suite runs the command line thousands of times, and each fresh `vern` spends most of
its 0.3–0.6 s starting Python and importing DuckDB, click and Vern before it reads its
arguments. Here one process per test worker (the zygote, `python tests/vern_process.py`)
imports all that once and forks a child for every command. The child is a real process:
its own arguments, environment, working folder, standard input, output and error (the
caller's files, passed over a Unix socket), its own exit code, and it ends as `vern` ends
(exit handlers, flushed output). What the tests cannot see from here is the interpreter's
start itself; tests/cli/test_cli.py runs the installed `vern` script for that, and
`vern serve` always starts from the script.

`run` takes the arguments of subprocess.run that the tests use and returns the same
CompletedProcess.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

_zygote: tuple[subprocess.Popen, socket.socket] | None = None
OFFLINE_EXIT = 86  # a command that tried to reach another host (tests/offline.py)
_lock = threading.Lock()


# -- the caller's side ------------------------------------------------------------------
def run(args, *, input=None, capture_output: bool = False, text: bool = False, env=None, cwd=None,
        timeout: float | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """As subprocess.run([VERN, ...]) would: args[0] is the `vern` script, the rest its arguments."""
    with tempfile.TemporaryFile() as stdin_file, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if input is not None:
            stdin_file.write(input.encode() if isinstance(input, str) else input)
            stdin_file.seek(0)
        files = [stdin_file.fileno(), out.fileno() if capture_output else 1, err.fileno() if capture_output else 2]
        request = {"argv": [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args], "cwd": str(cwd or os.getcwd()),
                   "env": dict(os.environ if env is None else env)}
        code = _call(request, files, timeout, args)
        output, errors = (_read(f, text) for f in (out, err)) if capture_output else (None, None)
    done = subprocess.CompletedProcess(list(args), code, output, errors)
    if check:
        done.check_returncode()
    return done


def _read(file, text: bool):
    file.seek(0)
    data = file.read()
    return data.decode() if text else data


def _call(request: dict, files: list[int], timeout: float | None, args) -> int:
    with _lock:  # one command at a time per test worker, as subprocess.run is
        connection = _connection()
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], files)
        pid = _number(connection)
        connection.settimeout(timeout)
        try:
            return _number(connection)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            connection.settimeout(None)
            _number(connection)  # the zygote reaps it and answers
            raise subprocess.TimeoutExpired(args, timeout) from None
        finally:
            connection.settimeout(None)


def _number(connection: socket.socket) -> int:
    """One line the zygote wrote: a process id or an exit code."""
    line = b""
    while not line.endswith(b"\n"):
        byte = connection.recv(1)
        if not byte:
            raise RuntimeError("the vern zygote ended")
        line += byte
    return int(line)


def _connection() -> socket.socket:
    global _zygote
    if _zygote is None or _zygote[0].poll() is not None:
        ours, theirs = socket.socketpair()
        process = subprocess.Popen([sys.executable, __file__, str(theirs.fileno())], pass_fds=[theirs.fileno()],
                                   env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        theirs.close()
        _zygote = (process, ours)
        atexit.register(process.kill)
    return _zygote[1]


# -- the zygote -------------------------------------------------------------------------
def _import_every_module() -> None:
    """Every module of Vern's a command can reach (not the dashboard's: it runs in `vern
    serve`), the words catalogue and this decade's public holidays: what a child would
    otherwise load again each time, from disk, on every call."""
    import importlib
    import pkgutil

    import audits
    import checks
    from audits.core import i18n, legal_dates

    for package in (audits, checks):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if module.name != "audits.serve":  # Streamlit's server: `vern serve` is started for real
                importlib.import_module(module.name)
    i18n.catalogue()
    for year in range(2020, 2031):
        legal_dates._norway(year)


def _serve(fd: int) -> None:
    # Everything a command may import, imported once; no thread and no database is opened here.
    import pandas  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401

    import audits.cli.main  # noqa: F401

    _import_every_module()
    connection = socket.socket(fileno=fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        except (ConnectionError, OSError):
            return
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            connection.close()
            _child(json.loads(message), fds)
        for fd_ in fds:
            os.close(fd_)
        connection.sendall(f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())


def _child(request: dict, fds: list[int]) -> None:
    """Become `vern` with the caller's arguments, environment, folder and files; never return."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        # The streams a fresh interpreter would make for files: the locale's encoding and
        # error handlers (the zygote's own, started in the same environment).
        sys.stdin, sys.stdout, sys.stderr = (
            io.TextIOWrapper(buffered(io.FileIO(fd, mode, closefd=False)), encoding=like.encoding,
                             errors=like.errors, line_buffering=fd == 2)
            for fd, mode, buffered, like in ((0, "r", io.BufferedReader, sys.__stdin__),
                                             (1, "w", io.BufferedWriter, sys.__stdout__),
                                             (2, "w", io.BufferedWriter, sys.__stderr__)))
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = request["argv"]
        random.seed()  # as a fresh interpreter would, not the zygote's seed
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from audits.cli.main import main
        try:
            main()
            code = 0
        except SystemExit as done:
            code = _exit_code(done.code)
        except BaseException:  # what an uncaught exception does to a fresh interpreter
            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()
        if sys.modules["offline"].attempts:  # the command tried to reach another host: fail its test
            print(f"a test tried to reach the outside network: {sys.modules['offline'].attempts}", file=sys.stderr)
            code = OFFLINE_EXIT
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed pipe: the caller went away
                stream.flush()
        os._exit(code)


def _exit_code(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    import offline  # from tests/, before the path is the installed script's

    offline.install()
    sys.path[0] = str(Path(sys.executable).parent)  # as for the installed `vern` script, not tests/
    _serve(int(sys.argv[1]))
