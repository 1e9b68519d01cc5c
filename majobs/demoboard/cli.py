"""``majobs demoboard serve``: run the demo job board until Ctrl-C."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from pathlib import Path
from typing import Annotated

import typer

from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

app = typer.Typer(help="The bundled demo job board (generated, served on 127.0.0.1).",
                  no_args_is_help=True, add_completion=False)


@app.callback()
def _group() -> None:
    """The bundled demo job board (a group, so ``serve`` stays a subcommand)."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and names that resolve only to them ("localhost")."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def serve(postings: int = 200, port: int = 8765, seed: int = 7, host: str = "127.0.0.1",
          sources_file: Path | None = None, stop: threading.Event | None = None,
          echo: bool = True) -> None:
    """Generate a market and serve it until Ctrl-C (or until ``stop`` is set)."""
    market = generate_market(postings=postings, seed=seed)
    with DemoBoardServer(market, host=host, port=port) as server:
        if sources_file is not None:
            sources_file.write_text(server.sources_yaml(), encoding="utf-8")
        if echo:
            typer.echo(f"demo board: {len(market.postings)} postings from "
                       f"{len(market.employers)} employers at {server.base_url}")
            if sources_file is not None:
                typer.echo(f"sources file: {sources_file}")
            typer.echo("press Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            (stop or threading.Event()).wait()


@app.command("serve")
def serve_command(
    postings: Annotated[int, typer.Option(min=1, max=200_000,
                                          help="How many postings to generate.")] = 200,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free).")] = 8765,
    seed: Annotated[int, typer.Option(help="Generator seed: same seed, same board.")] = 7,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    public: Annotated[bool, typer.Option(
        "--public", help="Allow a non-loopback --host (exposes the board).")] = False,
    write_sources: Annotated[Path | None, typer.Option(
        "--write-sources", help="Write a sources file for this board to FILE.")] = None,
) -> None:
    """Serve a generated MA job market: Greenhouse, Lever, JSON-LD career sites and a feed."""
    if not public and not is_loopback(host):
        typer.echo(f"--host {host} is not a loopback address; add --public to serve it "
                   "to the network", err=True)
        raise typer.Exit(2)
    try:
        serve(postings=postings, port=port, seed=seed, host=host, sources_file=write_sources)
    except OSError as exc:
        typer.echo(f"demo board failed ({host}:{port}, sources file {write_sources}): "
                   f"{exc.strerror or exc}", err=True)
        raise typer.Exit(1) from exc
