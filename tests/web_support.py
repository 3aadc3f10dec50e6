"""Helpers for the web tests: an application over a temporary cases folder, and forms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from checker.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
QUICK_CASE = "snabbkontroll-2024.yaml"
# The new-case form filled in for a quick check of one nämnd.
NEW_CASE = {
    "kommun": "Provby kommun",
    "audit": "styrdokument-snabbkontroll",
    "from": "2024-01-01",
    "to": "2024-12-31",
    "granskningsdatum": "2024-11-15",
    "role.socialnamnd": "Socialnämnden",
}


def make_client(tmp_path: Path, rules, **options):
    """A Flask test client over tmp_path/cases holding a copy of the quick-check example."""
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    shutil.copy(ROOT / "examples" / QUICK_CASE, cases / QUICK_CASE)
    app = create_app(cases, rules, **options)
    return app.test_client(), cases


def hidden(page: bytes, name: str) -> str:
    """The value of a hidden input on a page."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"'.encode(), page)
    assert match, f"no hidden input {name!r} on the page"
    return match.group(1).decode()


def csrf(client) -> str:
    return hidden(client.get("/").data, "csrf_token")


def answer(
    client,
    name: str,
    area: str,
    answers: dict[str, dict[str, str]],
    digest: str | None = None,
    token: str | None = None,
    next_area: str = "",
):
    """POST one questionnaire page: `answers` maps fact id to its parts (value, kalla …)."""
    page = client.get(f"/case/{name}?area={area}").data
    data: dict[str, object] = {
        "csrf_token": token if token is not None else hidden(page, "csrf_token"),
        "digest": digest if digest is not None else hidden(page, "digest"),
        "area": area,
        "fact": list(answers),
        "next": next_area,
    }
    for fact_id, parts in answers.items():
        for part, text in parts.items():
            data[f"{fact_id}.{part}"] = text
    return client.post(f"/case/{name}", data=data)


def verdict_texts(page: bytes) -> list[str]:
    """The grade labels shown in the verdict panel, in order."""
    panel = page.split(b'class="verdict-panel"', 1)[1]
    return [label.decode() for label in re.findall(rb'<span class="grade"[^>]*>([^<]*)<', panel)]
