"""The protections of the web application: loopback binding, CSRF tokens, headers."""

from __future__ import annotations

import hmac
import io
import ipaddress
import secrets
from typing import Any

LOOPBACK_NAMES = ("localhost",)
MAX_BODY_BYTES = 256 * 1024  # a questionnaire page is a few kB; anything larger is refused
CSRF_FIELD = "csrf_token"
_SESSION_KEY = "csrf"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
REPORT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server reachable from this computer only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def trusted_hosts(host: str, allowed_hosts: tuple[str, ...] = ()) -> list[str]:
    """Host headers the server answers: the loopback names, the address it listens on
    and the names given with --allowed-host. Refusing every other name stops DNS
    rebinding, with or without --allow-remote."""
    return sorted({host, "localhost", "127.0.0.1", "[::1]", "::1", *allowed_hosts})


class BodyLimit:
    """WSGI middleware giving a body without Content-Length (chunked) the same limit as
    one with it: it is read up to the limit and handed on with its length, so a body
    over the limit gets 413 instead of being cut off and processed."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict, start_response: Any) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked or (not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated")):
            body = _read_up_to(environ["wsgi.input"], self.limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def csrf_token(session: Any) -> str:
    """This browser session's token, created on first use."""
    if _SESSION_KEY not in session:
        session[_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[_SESSION_KEY]


def csrf_valid(session: Any, submitted: str | None) -> bool:
    expected = session.get(_SESSION_KEY)
    return bool(expected and submitted) and hmac.compare_digest(
        str(expected).encode("utf-8", "replace"), submitted.encode("utf-8", "replace")
    )


def add_headers(headers: Any, policy: str = CONTENT_SECURITY_POLICY) -> None:
    headers.setdefault("Content-Security-Policy", policy)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Cache-Control", "no-store")


def _read_up_to(stream: Any, size: int) -> bytes:
    """Up to `size` bytes of a stream, however short its reads are."""
    parts, remaining = [], size
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
