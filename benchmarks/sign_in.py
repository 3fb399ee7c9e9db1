"""Sign-in benchmark (issue 15, item 4): does a refusal take as long for an unknown user as
for a real account? Prints the median and spread of `users.authenticate` for each case.

    .venv/bin/python benchmarks/sign_in.py [--runs 15]

Cases: an unknown user, a wrong password, a locked account (right and wrong password), a
disabled account, an account without a password (OpenID Connect only), and a good
sign-in. Before the fix an unknown user took 8 ms against 160-300 ms for a wrong password.
"""

import argparse
import statistics
import time

import _common

from audits.accounts import users
from audits.runtime import open_vern

PASSWORD = "correct horse battery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    _common.isolate(now=None)  # the real clock: lockouts expire as they would
    with _common.workdir(None, "vern-sign-in-") as folder:
        vern = open_vern(str(folder / "vern.duckdb"))
        store = vern.store
        for name in ("ola", "locked", "disabled"):
            users.add(store, "benchmark", name, ["staff"], PASSWORD)
        users.add(store, "benchmark", "oidc-only", ["staff"], None)
        users.set_disabled(store, "benchmark", "disabled", True)
        cases = {
            "unknown user": ("nobody", PASSWORD),
            "wrong password": ("ola", "not the password"),
            "locked, right password": ("locked", PASSWORD),
            "locked, wrong password": ("locked", "not the password"),
            "disabled": ("disabled", PASSWORD),
            "no password (OIDC only)": ("oidc-only", PASSWORD),
            "good sign-in": ("ola", PASSWORD),
        }
        for _ in range(5):
            users.authenticate(store, "locked", "not the password")
        timings = {case: [] for case in cases}
        for _ in range(runs):  # interleaved, so a slow moment of the machine hits every case
            for case, (name, password) in cases.items():
                start = time.perf_counter()
                users.authenticate(store, name, password)
                timings[case].append((time.perf_counter() - start) * 1000)
        vern.close()
    print(f"users.authenticate, {runs} runs each (ms): median [min-max]")
    for case, values in timings.items():
        print(f"  {case:<26} {statistics.median(values):7.1f}  [{min(values):.1f}-{max(values):.1f}]")


if __name__ == "__main__":
    main()
