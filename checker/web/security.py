"""The protections of the web application: loopback binding, CSRF tokens, headers."""

from __future__ import annotations

import hmac
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


def trusted_hosts(host: str) -> list[str]:
    """Host headers a loopback server answers (refusing others stops DNS rebinding)."""
    return sorted({host, "localhost", "127.0.0.1", "[::1]", "::1"})


def csrf_token(session: Any) -> str:
    """This browser session's token, created on first use."""
    if _SESSION_KEY not in session:
        session[_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[_SESSION_KEY]


def csrf_valid(session: Any, submitted: str | None) -> bool:
    expected = session.get(_SESSION_KEY)
    return bool(expected and submitted) and hmac.compare_digest(expected, submitted)


def add_headers(headers: Any, policy: str = CONTENT_SECURITY_POLICY) -> None:
    headers.setdefault("Content-Security-Policy", policy)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Cache-Control", "no-store")
