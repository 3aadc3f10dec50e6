"""granska serve under hostile input: every failure a Swedish 4xx page or a clean skip in
the list, the Host check with and without --allow-remote, body limits for chunked bodies,
and a hand edit made during a save never lost."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_support import NEW_CASE, QUICK_CASE, answer, csrf, hidden, make_client

from checker.cli import main
from checker.web.app import create_app
from checker.web.server import check_binding
from checker.web.store import CaseStore, Conflict

BAD = Path(__file__).parent / "bad"
SWEDISH_ERROR = b"Det gick inte"


@pytest.fixture
def web(tmp_path, rules):
    return make_client(tmp_path, rules)


def _is_swedish_4xx(response, status: int) -> None:
    assert response.status_code == status
    assert b'lang="sv"' in response.data


# --- the case list and pages: each former 500 ----------------------------------------
@pytest.mark.parametrize(
    "bad", ["deep_nesting.yaml", "alias_bomb.yaml", "year_0001.yaml", "control_characters.yaml"]
)
def test_a_hostile_case_file_is_listed_with_its_error(web, bad):
    client, cases = web
    shutil.copy(BAD / bad, cases / bad)
    index = client.get("/")
    assert index.status_code == 200
    assert bad.encode() in index.data and b"Exempelby kommun" in index.data
    page = client.get(f"/case/{bad}")
    assert page.status_code == 200
    assert bad.encode() in page.data
    for download in (f"/report/{bad}", f"/download/docx/{bad}"):
        _is_swedish_4xx(client.get(download), 409)


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_fifo_or_directory_named_like_a_case_is_skipped_and_refused(web, kind):
    client, cases = web
    path = cases / "konstig.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    index = client.get("/")
    assert index.status_code == 200
    assert b"konstig.yaml" not in index.data
    page = client.get("/case/konstig.yaml")
    assert page.status_code == 200
    assert b"not a regular file" in page.data
    _is_swedish_4xx(client.get("/report/konstig.yaml"), 409)


def test_an_unreadable_case_file_is_listed_with_its_error(web, monkeypatch):
    client, cases = web
    shutil.copy(cases / QUICK_CASE, cases / "last.yaml")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("last.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    index = client.get("/")
    assert index.status_code == 200
    assert b"last.yaml" in index.data and b"Permission denied" in index.data


def test_a_name_over_255_bytes_is_a_400(web):
    client, _cases = web
    _is_swedish_4xx(client.get("/case/" + "a" * 300 + ".yaml"), 400)


def test_a_non_ascii_csrf_token_is_a_400(web):
    client, _cases = web
    csrf(client)
    response = client.post("/new", data={"csrf_token": "åäö–token", **NEW_CASE})
    _is_swedish_4xx(response, 400)


def test_a_new_case_in_a_folder_that_cannot_be_written_is_a_422(web, monkeypatch):
    client, cases = web

    def refuse(directory, name):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("checker.files.atomic._create_temporary", refuse)
    response = client.post("/new", data={"csrf_token": csrf(client), **NEW_CASE})
    _is_swedish_4xx(response, 422)
    assert b"Permission denied" in response.data
    assert sorted(path.name for path in cases.iterdir()) == [QUICK_CASE]


def test_a_year_0001_new_case_is_refused(web):
    client, cases = web
    response = client.post(
        "/new", data={"csrf_token": csrf(client), **NEW_CASE, "granskningsdatum": "0001-01-01"}
    )
    _is_swedish_4xx(response, 422)
    assert sorted(path.name for path in cases.iterdir()) == [QUICK_CASE]


def test_a_control_character_typed_in_a_kalla_is_refused_and_docx_still_works(web):
    client, cases = web
    before = (cases / QUICK_CASE).read_bytes()
    response = answer(
        client,
        QUICK_CASE,
        "riktlinjer",
        {"riktlinjer.finns": {"value": "ja", "kalla": "Riktlinjer \x1b]0;x\x07 s. 4"}},
    )
    assert response.status_code == 422
    assert (cases / QUICK_CASE).read_bytes() == before
    download = client.get(f"/download/docx/{QUICK_CASE}")
    assert download.status_code in (200, 404)  # 404 where python-docx is absent


# --- Host header and DNS rebinding ------------------------------------------------
def test_allow_remote_needs_an_allowed_host():
    with pytest.raises(Exception, match="--allowed-host"):
        check_binding("0.0.0.0", allow_remote=True)
    check_binding("0.0.0.0", allow_remote=True, allowed_hosts=("granska.kommun.example",))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--allow-remote"])
    assert result.exit_code == 2
    assert "--allowed-host" in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_a_rebound_host_name_gets_no_page_and_no_token(tmp_path, rules, host):
    cases = tmp_path / "cases"
    cases.mkdir()
    app = create_app(cases, rules, host, allowed_hosts=("granska.kommun.example",))
    client = app.test_client()
    evil = {"Host": "evil.example"}
    assert client.get("/", headers=evil).status_code == 400
    assert b"csrf_token" not in client.get("/", headers=evil).data
    assert client.post("/new", data=NEW_CASE, headers=evil).status_code == 400
    assert list(cases.iterdir()) == []
    good = client.get("/", headers={"Host": "granska.kommun.example:8000"})
    assert good.status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


# --- body limits -------------------------------------------------------------------
def _post_chunked(client, body: bytes, content_type: str):
    """A new-case form sent with chunked transfer encoding (no Content-Length)."""
    return client.post(
        "/new",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": content_type, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_gets_413(web):
    client, cases = web
    token = csrf(client)
    body = f"csrf_token={token}&kommun={'x' * (1024 * 1024)}".encode()
    response = _post_chunked(client, body, "application/x-www-form-urlencoded")
    _is_swedish_4xx(response, 413)
    assert sorted(path.name for path in cases.iterdir()) == [QUICK_CASE]


def test_a_small_chunked_body_is_read_whole(web):
    client, cases = web
    token = csrf(client)
    fields = {"csrf_token": token, **NEW_CASE}
    body = "&".join(f"{key}={value}" for key, value in fields.items()).encode()
    response = _post_chunked(client, body, "application/x-www-form-urlencoded; charset=utf-8")
    assert response.status_code == 303
    assert len(list(cases.iterdir())) == 2


# --- a hand edit during a save ------------------------------------------------------
def test_a_hand_edit_during_the_save_is_never_lost(web, monkeypatch):
    """The edit lands after the form was read and the new text validated, just before
    the rename: the save is refused and the hand edit stays."""
    client, cases = web
    path = cases / QUICK_CASE
    hand_edit = "# tillagt för hand under sparandet\n"
    from checker.casefiles import drafts

    validate = drafts.load_case

    def validate_then_edit(temporary, rules):
        case = validate(temporary, rules)
        with path.open("a", encoding="utf-8") as stream:
            stream.write(hand_edit)
        return case

    monkeypatch.setattr(drafts, "load_case", validate_then_edit)
    response = answer(client, QUICK_CASE, "riktlinjer", {"riktlinjer.finns": {"value": "nej"}})
    assert response.status_code == 409
    text = path.read_text(encoding="utf-8")
    assert text.endswith(hand_edit)
    assert "riktlinjer.finns: {värde: ja" in text
    assert not [p for p in cases.iterdir() if p.name.endswith(".tmp")]


def test_interleaved_saves_and_hand_edits_lose_nothing(tmp_path, rules):
    """Alternating hand appends and saves from stale and fresh snapshots: every hand edit
    stays, every acknowledged save is in the file."""
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(Path(__file__).resolve().parent.parent / "examples" / QUICK_CASE, cases)
    store = CaseStore(cases, rules)
    path = cases / QUICK_CASE
    for number in range(20):
        snapshot = store.read(QUICK_CASE)
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"# hand {number}\n")
        with pytest.raises(Conflict):
            store.save(QUICK_CASE, snapshot.digest, snapshot.text + f"# save {number}\n")
        fresh = store.read(QUICK_CASE)
        store.save(QUICK_CASE, fresh.digest, fresh.text + f"# save {number}\n")
    text = path.read_text(encoding="utf-8")
    for number in range(20):
        assert f"# hand {number}\n# save {number}\n" in text


def test_the_digest_on_the_page_matches_the_file(web):
    client, cases = web
    page = client.get(f"/case/{QUICK_CASE}").data
    from checker.web.store import digest_of

    assert hidden(page, "digest") == digest_of((cases / QUICK_CASE).read_bytes())


def test_a_chunked_body_over_the_limit_gets_413_from_the_real_server(tmp_path, rules):
    import http.client
    import threading

    from werkzeug.serving import make_server

    cases = tmp_path / "cases"
    cases.mkdir()
    server = make_server("127.0.0.1", 0, create_app(cases, rules), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        chunks = (b"kommun=" + b"x" * 65536 for _ in range(16))
        connection.request(
            "POST",
            "/new",
            body=chunks,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 413
        assert "för stort".encode() in response.read()
    finally:
        server.shutdown()
        server.server_close()
    assert list(cases.iterdir()) == []


def test_a_port_in_use_or_an_unknown_host_is_a_clean_error(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--dir", str(tmp_path), "--port", str(port), "--no-browser"]
        )
    assert result.exit_code == 2
    assert f"porten {port} används redan" in result.output
    unknown = ["--host", "no-such-host.invalid", "--allow-remote", "--allowed-host", "x"]
    result = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path), *unknown, "--no-browser"])
    assert result.exit_code == 2
    assert "kan inte lyssna på no-such-host.invalid" in result.output
