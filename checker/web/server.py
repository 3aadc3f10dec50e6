"""Running the application: refuse a non-loopback address unless asked, announce, serve."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checker.errors import GranskaError
from checker.loading.rules import load_rules
from checker.output.environment import render_template
from checker.web.security import is_loopback


def check_binding(host: str, allow_remote: bool) -> None:
    """Refuse an address reachable from other computers unless --allow-remote is given."""
    if not is_loopback(host) and not allow_remote:
        raise GranskaError(render_template("web/refused.txt.j2", host=host).strip())


def announcement(host: str, port: int, cases_dir: Path) -> str:
    """What `granska serve` says at start: the address, and who can reach it."""
    shown_host = f"[{host}]" if ":" in host else host
    return render_template(
        "web/startup.txt.j2",
        url=f"http://{shown_host}:{port}/",
        host=host,
        loopback=is_loopback(host),
        directory=str(Path(cases_dir).resolve()),
    ).rstrip("\n")


def serve(
    cases_dir: Path,
    host: str,
    port: int,
    allow_remote: bool,
    rules_dir: Path | None,
    announce: Callable[[str], None],
    overlay: Path | None = None,
) -> None:
    """Serve the case files of `cases_dir` until interrupted (port 0: a free port)."""
    from werkzeug.serving import make_server

    from checker.web.app import create_app

    check_binding(host, allow_remote)
    cases_dir = Path(cases_dir)
    if not cases_dir.is_dir():
        raise GranskaError(
            "no such directory (give --dir with an existing folder of cases)", str(cases_dir)
        )
    app = create_app(cases_dir, load_rules(rules_dir, overlay), host, allow_remote)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as error:
        raise GranskaError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    announce(announcement(host, server.port, cases_dir))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
