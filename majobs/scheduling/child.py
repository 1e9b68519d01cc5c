"""Start a crawl child that dies with its parent: ``python -m majobs.scheduling.child
PARENT_PID -- ARGS...`` asks Linux to send it SIGTERM when the parent dies
(``PR_SET_PDEATHSIG``), checks the parent is still there, then becomes
``python -m majobs.cli ARGS...`` (exec keeps the pid and the death signal).

So a scheduler killed with SIGKILL leaves no orphan crawl behind: the crawl gets SIGTERM,
Scrapy stops it gracefully and its runs are closed as partial or failed. Elsewhere than
Linux the exec happens without the death signal. Kept free of heavy imports: it runs once
per crawl.
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] != "--" or not argv[0].isdigit():
        print("usage: python -m majobs.scheduling.child PARENT_PID -- ARGS...", file=sys.stderr)
        return 2
    _die_with_parent()
    if os.getppid() != int(argv[0]):     # the parent died before the death signal was set
        return 1
    os.execv(sys.executable, [sys.executable, "-m", "majobs.cli", *argv[2:]])
    return 1   # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
