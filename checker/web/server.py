"""Running the application: refuse a non-loopback address unless asked, announce, open
the browser, serve."""

from __future__ import annotations

import errno
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from checker.errors import GranskaError
from checker.loading.rules import load_rules
from checker.output.environment import render_template
from checker.web.security import is_loopback


def check_binding(host: str, allow_remote: bool, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Refuse an address reachable from other computers unless --allow-remote is given,
    and then unless --allowed-host names what other computers call this one (every
    other Host header is refused, which stops DNS rebinding)."""
    if is_loopback(host):
        return
    if not allow_remote:
        raise GranskaError(render_template("web/refused.txt.j2", host=host).strip())
    if not allowed_hosts:
        raise GranskaError(render_template("web/no-allowed-host.txt.j2", host=host).strip())


def announcement(host: str, port: int, cases_dir: Path) -> str:
    """What `granska serve` says at start: the address, and who can reach it."""
    return render_template(
        "web/startup.txt.j2",
        url=_url(host, port),
        host=host,
        loopback=is_loopback(host),
        directory=str(Path(cases_dir).resolve()),
    ).rstrip("\n")


def can_open_browser() -> bool:
    """Whether a graphical browser can be opened: on Linux and BSD only with a display
    (without one, Python's webbrowser would start a text browser in the terminal)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_browser(url: str) -> None:
    """Open `url` in the default browser, in the background; do nothing where none can be."""
    if can_open_browser():
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform != "win32":  # on Windows the option would let two servers share a port
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host.strip("[]"), port))
        listening.listen(128)
    except OSError:
        listening.close()
        raise
    return listening


def _url(host: str, port: int) -> str:
    shown_host = f"[{host}]" if ":" in host else host
    return f"http://{shown_host}:{port}/"


def serve(
    cases_dir: Path,
    host: str,
    port: int,
    allow_remote: bool,
    rules_dir: Path | None,
    announce: Callable[[str], None],
    overlay: Path | None = None,
    browser: bool = False,
    allowed_hosts: tuple[str, ...] = (),
) -> None:
    """Serve the case files of `cases_dir` until interrupted (port 0: a free port); with
    `browser`, open the start page in the default browser once the server listens."""
    from werkzeug.serving import make_server

    from checker.web.app import create_app

    check_binding(host, allow_remote, allowed_hosts)
    cases_dir = Path(cases_dir)
    if not cases_dir.is_dir():
        raise GranskaError(
            "no such directory (give --dir with an existing folder of cases)", str(cases_dir)
        )
    app = create_app(cases_dir, load_rules(rules_dir, overlay), host, allowed_hosts)
    try:
        listening = _listen(host, port)
    except OSError as error:
        raise GranskaError(
            render_template(
                "web/cannot-listen.txt.j2",
                host=host,
                port=port,
                in_use=error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)),
                reason=error.strerror or "",
            ).strip()
        ) from None
    with listening:
        # werkzeug would print its own English message and exit if it bound the port itself.
        server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    announce(announcement(host, server.port, cases_dir))
    if browser:
        open_browser(_url(host, server.port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
