"""No test reaches the outside network. In every test process (the workers and the CLI
zygote's commands), Python's sockets may connect only to this machine — a loopback address,
`localhost`, or a Unix socket — and only such names are resolved. Anything else is refused
before a packet leaves, and noted in `attempts`: conftest fails the test that made it, even
when the code under test took the refusal for a network that is down."""

import ipaddress
import socket

attempts: list[str] = []  # the hosts refused, in this process
_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def _local(host) -> bool:
    if not isinstance(host, str):  # bytes or a number: not something Vern's tests ask for
        return False
    if host.lower() in ("localhost", "localhost.", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a name other than localhost


def _refused(host) -> OSError:
    attempts.append(str(host))
    return ConnectionRefusedError(f"a test tried to reach the outside network: {host}")


def _checked(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        raise _refused(address[0])


def _guarded_connect(self, address):
    _checked(self, address)
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _checked(self, address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local(host.decode() if isinstance(host, bytes) else host):
        raise socket.gaierror(socket.EAI_NONAME, str(_refused(host)))
    return _getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo
