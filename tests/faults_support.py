"""Support for the fault-matrix tests: a resolver of the tests' own, demo-board sources to
break, and the real ``majobs`` CLI in child processes with test-only Scrapy settings, its
peak memory measured.

Run as a script (``python tests/faults_support.py crawl ...``) it is that child: it adds
the JSON object in ``$MAJOBS_TEST_SCRAPY_SETTINGS`` to majobs' crawl settings, then runs
``majobs`` unchanged. That is how a test installs :class:`StaticHostsResolver` (Scrapy's
``TWISTED_DNS_RESOLVER``), which maps test names (``public.test``) to chosen addresses
without any DNS, so no test ever sends traffic to a private range.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from zope.interface import implementer

if TYPE_CHECKING:
    from majobs.demoboard.server import DemoBoardServer

SETTINGS_ENV = "MAJOBS_TEST_SCRAPY_SETTINGS"
SIMPLE = ("greenhouse", "lever", "jsonld", "feed")   # kinds whose paths a fault can cover
API = ("greenhouse", "lever")
HOSTS_SETTING = "MAJOBS_TEST_HOSTS"


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        pass


@implementer(IHostnameResolver)
class StaticHostsResolver:
    """Names from the ``MAJOBS_TEST_HOSTS`` setting ({name: IPv4}); IPv4 literals as they
    are; anything else does not resolve (tests have no network)."""

    def __init__(self, reactor: Any, hosts: dict[str, str]) -> None:
        self.reactor = reactor
        self.hosts = {k.lower(): v for k, v in hosts.items()}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> StaticHostsResolver:
        return cls(reactor, crawler.settings.getdict(HOSTS_SETTING))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver: Any, hostName: str,
                        portNumber: int = 0, addressTypes: Any = None,
                        transportSemantics: str = "TCP") -> Any:
        resolutionReceiver.resolutionBegan(_Resolution(hostName))
        name = hostName.lower().rstrip(".")
        address = self.hosts.get(name)
        if address is None and name.replace(".", "").isdigit() and name.count(".") == 3:
            address = name
        if address is not None:
            resolutionReceiver.addressResolved(IPv4Address("TCP", address, portNumber))
        resolutionReceiver.resolutionComplete()
        return resolutionReceiver


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mib: float


def run_majobs(*args: str, cwd: Path, settings: dict[str, Any] | None = None,
               timeout: float = 240) -> Finished:
    """``majobs ARGS`` in a child (this file as the entry point); its peak RSS from wait4."""
    env = {**os.environ, "COLUMNS": "250", SETTINGS_ENV: json.dumps(settings or {})}
    env.pop("MAJOBS_DATABASE_URL", None)
    start = time.monotonic()
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        child = subprocess.Popen([sys.executable, __file__, *args], cwd=cwd, env=env,
                                 stdout=o, stderr=e)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        o.seek(0)
        e.seek(0)
        return Finished(child.returncode, o.read().decode("utf-8", "replace"),
                        e.read().decode("utf-8", "replace"), time.monotonic() - start,
                        usage.ru_maxrss / 1024)


# --- demo board sources to break ------------------------------------------------------------

@dataclass
class Target:
    """One source of a demo board, and the path prefix a fault on it covers."""

    entry: dict[str, Any]
    server: DemoBoardServer
    prefix: str


def own_prefix(entry: dict[str, Any], part: str = "all") -> str:
    kind = entry["kind"]
    if kind == "greenhouse":
        return f"/v1/boards/{entry['board']}/"
    if kind == "lever":
        return f"/v0/postings/{entry['board']}"
    if kind == "feed":
        return urlsplit(entry["url"]).path
    if part == "sitemap":
        return urlsplit(entry["sitemap_urls"][0]).path
    if part == "listing":
        return urlsplit(entry["start_urls"][0]).path
    url = (entry.get("start_urls") or entry["sitemap_urls"])[0]
    return "/" + urlsplit(url).path.split("/")[1] + "/"


def candidates(label: str, server: DemoBoardServer, kinds: tuple[str, ...] = SIMPLE
               ) -> list[Target]:
    """Sources of a board with active postings no other source of the board publishes."""
    own: dict[str, int] = {}
    for t in server.truth():
        if not t.expired and (len(t.sources) == 1 or label == "feeds"):
            own[t.sources[-1]] = own.get(t.sources[-1], 0) + 1
    return [Target({**e, "name": f"{label}-{e['name']}"[:60].rstrip("-")}, server,
                   own_prefix(e))
            for e in server.market.sources(server.base_url)
            if e["kind"] in kinds and own.get(e["name"], 0) > 0]


def public(target: Target) -> Target:
    """The source as a public one: reached by the name public.test, not allow_local."""
    entry = {k: v for k, v in target.entry.items() if k != "allow_local"}
    entry["api_url"] = f"http://public.test:{target.server.port}"
    return Target(entry, target.server, target.prefix)


def run_majobs_each(commands: list[tuple[list[str], Path]], timeout: float = 240
                    ) -> list[Finished]:
    """Several ``majobs`` commands, each in a process of its own, forked from one child
    that imported majobs once (a start-up costs seconds; these commands need fresh
    processes, not fresh imports). Each is (arguments, working directory)."""
    with tempfile.TemporaryDirectory(prefix="majobs-each-") as tmp:
        jobs = Path(tmp, "jobs.json")
        jobs.write_text(json.dumps([[args, str(cwd)] for args, cwd in commands]))
        env = {**os.environ, "COLUMNS": "250"}
        env.pop("MAJOBS_DATABASE_URL", None)
        subprocess.run([sys.executable, __file__, "--each", str(jobs)], env=env, check=True,
                       timeout=timeout)
        return [Finished(**r) for r in json.loads(Path(tmp, "results.json").read_text())]


def _each(jobs: Path) -> None:
    # Everything cli.main() imports, imported once before forking.
    import majobs.cli
    import majobs.commands.crawl
    import majobs.matcher.commands
    import majobs.web.cli

    results = []
    for n, (args, cwd) in enumerate(json.loads(jobs.read_text())):
        out, err = jobs.with_name(f"{n}.out"), jobs.with_name(f"{n}.err")
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:                      # the child: the real CLI, on its own streams
            code = 70
            try:
                os.chdir(cwd)
                for fd, path in ((1, out), (2, err)):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
                sys.argv = ["majobs", *args]
                majobs.cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        results.append({"returncode": os.waitstatus_to_exitcode(status),
                        "stdout": out.read_text("utf-8", "replace"),
                        "stderr": err.read_text("utf-8", "replace"),
                        "seconds": time.monotonic() - start,
                        "max_rss_mib": usage.ru_maxrss / 1024})
    jobs.with_name("results.json").write_text(json.dumps(results))


def _main() -> None:
    if sys.argv[1:2] == ["--each"]:
        _each(Path(sys.argv[2]))
        return
    from majobs.cli import main
    from majobs.crawl import settings

    settings.BASE_SETTINGS.update(json.loads(os.environ.get(SETTINGS_ENV) or "{}"))
    sys.argv = ["majobs", *sys.argv[1:]]
    main()


if __name__ == "__main__":
    _main()
