"""granska serve through Flask's test client: cases, answers, verdicts, and every safety."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from web_support import (
    NEW_CASE,
    QUICK_CASE,
    ROOT,
    answer,
    csrf,
    hidden,
    make_client,
    verdict_texts,
)

from checker.api import check
from checker.output.formats import RENDERERS


@pytest.fixture
def web(tmp_path, rules):
    return make_client(tmp_path, rules)


def create(client, **changes) -> object:
    return client.post("/new", data={"csrf_token": csrf(client), **NEW_CASE, **changes})


# --- cases -------------------------------------------------------------------------
def test_lists_the_case_files_of_the_folder(web):
    client, cases = web
    (cases / "notes.txt").write_text("not a case", encoding="utf-8")
    page = client.get("/")
    assert page.status_code == 200
    assert f"/case/{QUICK_CASE}".encode() in page.data and b"Exempelby kommun" in page.data
    assert b"notes.txt" not in page.data and str(cases).encode() not in page.data


def test_creates_a_valid_case_for_a_kommun_and_an_audit(web, rules):
    client, cases = web
    response = create(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/case/provby-kommun-2024.yaml")
    result = check(cases / "provby-kommun-2024.yaml", rules=rules)
    assert result["kommun"] == "Provby kommun"
    assert result["audit"]["id"] == "styrdokument-snabbkontroll"
    assert [n["namn"] for n in result["nämnder"]] == ["Socialnämnden"]
    assert create(client).headers["Location"].endswith("/case/provby-kommun-2024-2.yaml")


def test_a_new_case_with_bad_fields_says_which_and_writes_nothing(web):
    client, cases = web
    response = create(
        client,
        kommun="",
        to="2023-12-31",
        granskningsdatum="2024-02-30",
        **{"role.socialnamnd": ""},
    )
    assert response.status_code == 422
    page = response.data.decode()
    assert page.count('class="field-error"') == 4
    assert "Ange ett datum som finns" in page and "ligger före den första" in page
    assert sorted(path.name for path in cases.iterdir()) == [QUICK_CASE]


# --- answering ---------------------------------------------------------------------
def test_answers_are_saved_and_move_the_verdicts(web, rules):
    client, cases = web
    name = create(client).headers["Location"].rsplit("/", 1)[1]
    before = client.get(f"/case/{name}")
    assert verdict_texts(before.data) == ["Röd", "Grön", "Röd", "Grön"]  # both open, low–high
    response = answer(
        client,
        name,
        "delegation",
        {
            "delegation.ordning_finns": {
                "value": "ja",
                "kalla": "Delegationsordning, s. 2",
                "underlag": "styrdokument",
            }
        },
    )
    assert response.status_code == 303
    assert (
        answer(
            client, name, "delegation", {"delegation.aterrapportering": {"value": "nej"}}
        ).status_code
        == 303
    )
    response = answer(client, name, "rutiner", {"rutiner.kanda_och_tillgangliga": {"value": "nej"}})
    after = client.get(response.headers["Location"])
    assert "Svaren är sparade".encode() in after.data
    assert verdict_texts(after.data) == ["Röd", "Grön", "Röd"]  # S2 now decided: Röd
    assert check(cases / name, rules=rules)["questions"][1]["verdict"] == "rod"
    assert b'value="nej" checked' in client.get(f"/case/{name}?area=delegation").data
    text = (cases / name).read_text(encoding="utf-8")
    assert (
        'delegation.ordning_finns: {värde: ja, källa: "Delegationsordning, s. 2", '
        "underlag: styrdokument}" in text
    )
    assert "delegation.aterrapportering: nej" in text


def test_typed_values_and_vet_ej_are_written_as_a_case_file_states_them(web, rules):
    client, cases = web
    name = create(client).headers["Location"].rsplit("/", 1)[1]
    answer(client, name, "riktlinjer", {"riktlinjer.finns": {"value": "ja"}})
    response = answer(
        client,
        name,
        "riktlinjer",
        {
            "riktlinjer.beslutsdatum": {"value": "2024-03-12"},
            "riktlinjer.antagna_av_namnd": {"value": "vet ej"},
        },
    )
    assert response.status_code == 303
    case = check(cases / name, rules=rules)
    facts = {f["id"]: f for q in case["questions"] for c in q["criteria"] for f in c["facts"]}
    assert facts["riktlinjer.beslutsdatum"]["value"] == "2024-03-12"
    assert facts["riktlinjer.antagna_av_namnd"]["known"] is False
    assert "riktlinjer.antagna_av_namnd: vet ej" in (cases / name).read_text(encoding="utf-8")


def test_follow_up_questions_show_only_when_relevant(web):
    client, _cases = web
    name = create(client).headers["Location"].rsplit("/", 1)[1]
    follow_up = b"Vilket datum antogs eller reviderades riktlinjerna senast?"

    def asked() -> bool:
        page = client.get(f"/case/{name}?area=riktlinjer").data
        return follow_up in page.split(b'class="verdict-panel"')[0]

    assert not asked()
    # nor is it among the most decisive questions, which link only to questions asked
    assert follow_up not in client.get(f"/case/{name}?area=riktlinjer").data
    answer(client, name, "riktlinjer", {"riktlinjer.finns": {"value": "nej"}})
    assert not asked()
    answer(client, name, "riktlinjer", {"riktlinjer.finns": {"value": "ja"}})
    assert asked()


@pytest.mark.parametrize(
    ("fact_id", "parts", "message"),
    [
        ("riktlinjer.beslutsdatum", {"value": "2021-02-30"}, "Ange ett datum som finns"),
        ("delegation.ordning_finns", {"value": "kanske"}, "Välj ja, nej eller vet ej"),
        ("delegation.aterrapportering", {"value": "varje_dag"}, "Välj ett av alternativen"),
        (
            "riktlinjer.beslutsdatum",
            {"value": "2021-03-01", "unknown": "1"},
            "både angett ett svar och kryssat i vet ej",
        ),
        (
            "delegation.ordning_finns",
            {"value": "", "kalla": "Protokoll § 4"},
            "frågan är inte besvarad",
        ),
        (
            "delegation.ordning_finns",
            {"value": "ja", "kalla": "Beslut om 19121212-1212"},
            "personnummer",
        ),
        (
            "delegation.ordning_finns",
            {"value": "ja", "underlag": "rykte"},
            "Välj ett av underlagen",
        ),
    ],
)
def test_a_bad_answer_is_shown_next_to_its_field_and_nothing_is_written(
    web, fact_id, parts, message
):
    client, cases = web
    before = (cases / QUICK_CASE).read_bytes()
    area = fact_id.split(".")[0]
    response = answer(client, QUICK_CASE, area, {fact_id: parts})
    assert response.status_code == 422
    page = response.data.decode()
    anchor = f'id="q-{fact_id.replace(".", "-")}"'
    question = page.split(anchor, 1)[1].split('<div class="question', 1)[0]
    assert 'class="field-error"' in question and message in question
    assert 'aria-invalid="true"' in question
    assert (cases / QUICK_CASE).read_bytes() == before


def test_numbers_accept_a_decimal_comma_and_refuse_out_of_range(tmp_path, rules):
    from checker.model import Fact
    from checker.web.form import inputs_from_case, read_inputs

    fact = Fact(
        "prov.andel", "percent", "andel", "Hur stor andel?", "", "prov", "nämnd", "intervju"
    )
    count = next(f for f in rules.facts.values() if f.type == "count")
    inputs = {**inputs_from_case(fact, None), "value": "36,2 %"}
    assert read_inputs(fact, inputs, ())[0].value == 36.2
    assert read_inputs(fact, {**inputs, "value": "150"}, ()) == (None, "percent")
    counted = {**inputs_from_case(count, None), "count": "9", "total": "16"}
    assert (read_inputs(count, counted, ())[0].value.count, 16) == (9, 16)
    assert read_inputs(count, {**counted, "count": "17"}, ()) == (None, "count")


def test_a_hand_edit_shows_on_reload(web):
    client, cases = web
    path = cases / QUICK_CASE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("värde: varje_sammantrade", "värde: nej"), encoding="utf-8")
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data
    assert b'value="nej" checked' in page


def test_the_next_questions_follow_the_interview_ranking(web, rules):
    import re

    from checker.interview import interview
    from checker.loading.cases import load_case

    client, cases = web
    text = (cases / QUICK_CASE).read_text(encoding="utf-8")
    for fact_id in (
        "riktlinjer.beslutsdatum",
        "delegation.aterrapportering",
        "rutiner.kanda_och_tillgangliga",
    ):
        text = re.sub(rf"(  {re.escape(fact_id)}:) .*", r"\1 vet ej", text)
    (cases / "oppen.yaml").write_text(text, encoding="utf-8")
    guide = interview(rules, load_case(cases / "oppen.yaml", rules))
    ranked = [rules.facts[entry["fact"]].question for entry in guide["facts"]]
    page = client.get("/case/oppen.yaml").data.decode("utf-8")
    panel = page[page.index('<ol class="upcoming">') :]
    shown = re.findall(r"<li><a [^>]*>([^<]*)</a></li>", panel[: panel.index("</ol>")])
    assert shown and shown == [q for q in ranked if q in shown][: len(shown)]
    assert shown[0] == ranked[0]


# --- reports -----------------------------------------------------------------------
@pytest.mark.skipif("html" not in RENDERERS, reason="no HTML renderer in checker.output.formats")
def test_the_report_page_is_the_html_report(web):
    client, _cases = web
    response = client.get(f"/report/{QUICK_CASE}")
    assert response.status_code == 200
    assert b"Exempelby kommun" in response.data
    assert "förbedömning".encode() in response.data.lower()


@pytest.mark.skipif("docx" not in RENDERERS, reason="no DOCX renderer in checker.output.formats")
def test_the_docx_report_downloads_as_an_attachment(web):
    client, _cases = web
    response = client.get(f"/download/docx/{QUICK_CASE}")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="snabbkontroll-2024.docx"'
    )


# --- safety ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/case/../outside.yaml",
        "/case/..%2Foutside.yaml",
        "/case/%2e%2e/outside.yaml",
        "/case/sub/../../outside.yaml",
        "/case//tmp/outside.yaml",
        "/case/%2Ftmp%2Foutside.yaml",
        "/report/../outside.yaml",
        "/download/docx/..%2Foutside.yaml",
        "/case/.hidden.yaml",
        "/case/link.yaml",
    ],
)
def test_case_names_cannot_leave_the_cases_folder(web, url):
    client, cases = web
    outside = cases.parent / "outside.yaml"
    outside.write_bytes((cases / QUICK_CASE).read_bytes())
    (cases / "link.yaml").symlink_to(outside)
    response = client.get(url)
    assert response.status_code == 400
    assert b"Exempelby" not in response.data


def test_a_post_to_a_name_outside_the_folder_is_refused(web):
    client, cases = web
    outside = cases.parent / "outside.yaml"
    outside.write_bytes((cases / QUICK_CASE).read_bytes())
    before = outside.read_bytes()
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data
    response = client.post(
        "/case/../outside.yaml",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "digest": hidden(page, "digest"),
            "area": "delegation",
            "fact": ["delegation.ordning_finns"],
            "delegation.ordning_finns.value": "nej",
        },
    )
    assert response.status_code == 400
    assert outside.read_bytes() == before


def test_a_post_without_a_valid_csrf_token_is_refused(web):
    client, cases = web
    before = (cases / QUICK_CASE).read_bytes()
    for token in ("", "forged"):
        response = answer(
            client,
            QUICK_CASE,
            "delegation",
            {"delegation.ordning_finns": {"value": "nej"}},
            token=token,
        )
        assert response.status_code == 400
        assert "säkerhetstoken".encode() in response.data
    assert (cases / QUICK_CASE).read_bytes() == before
    assert (
        answer(
            client, QUICK_CASE, "delegation", {"delegation.ordning_finns": {"value": "nej"}}
        ).status_code
        == 303
    )


def test_an_oversize_body_is_refused(web):
    client, cases = web
    before = (cases / QUICK_CASE).read_bytes()
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data
    response = client.post(
        f"/case/{QUICK_CASE}",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "digest": hidden(page, "digest"),
            "area": "delegation",
            "fact": ["delegation.ordning_finns"],
            "delegation.ordning_finns.value": "nej",
            "delegation.ordning_finns.kalla": "x" * 400_000,
        },
    )
    assert response.status_code == 413
    assert (cases / QUICK_CASE).read_bytes() == before


def test_a_concurrent_edit_is_detected_by_the_hash_and_loses_nothing(web, rules):
    client, cases = web
    path = cases / QUICK_CASE
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data
    stale = hidden(page, "digest")
    edited = path.read_text(encoding="utf-8").replace("värde: varje_sammantrade", "värde: nej")
    path.write_text(edited, encoding="utf-8")  # someone edits the file meanwhile
    response = answer(
        client,
        QUICK_CASE,
        "delegation",
        {"delegation.aterrapportering": {"value": "ibland", "kalla": "Mitt svar"}},
        digest=stale,
    )
    assert response.status_code == 409
    assert path.read_text(encoding="utf-8") == edited
    conflict = response.data.decode()
    assert "har ändrats sedan sidan visades" in conflict
    assert 'value="ibland" checked' in conflict and 'value="Mitt svar"' in conflict
    assert "Sparat nu: <span>nej" in conflict
    retry = client.post(
        f"/case/{QUICK_CASE}",
        data={
            "csrf_token": hidden(response.data, "csrf_token"),
            "digest": hidden(response.data, "digest"),
            "area": "delegation",
            "fact": ["delegation.aterrapportering"],
            "delegation.aterrapportering.value": "ibland",
            "delegation.aterrapportering.kalla": "Mitt svar",
        },
    )
    assert retry.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert 'delegation.aterrapportering: {värde: ibland, källa: "Mitt svar"}' in text


def test_a_malformed_case_file_gives_a_clear_message_and_is_left_alone(web):
    client, cases = web
    path = cases / QUICK_CASE
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data
    broken = path.read_text(encoding="utf-8").replace(
        "audit: styrdokument-snabbkontroll", "audit: [styrdokument"
    )
    path.write_text(broken, encoding="utf-8")
    shown = client.get(f"/case/{QUICK_CASE}")
    assert shown.status_code == 200 and "kan inte läsas".encode() in shown.data
    assert f"{QUICK_CASE}:".encode() in shown.data  # the error names file and line
    response = client.post(
        f"/case/{QUICK_CASE}",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "digest": hidden(page, "digest"),
            "area": "delegation",
            "fact": ["delegation.ordning_finns"],
            "delegation.ordning_finns.value": "nej",
            "delegation.ordning_finns.kalla": "Svar som inte får försvinna",
        },
    )
    assert response.status_code == 409
    assert "Svar som inte får försvinna".encode() in response.data
    assert path.read_text(encoding="utf-8") == broken
    assert "kan inte läsas".encode() in client.get("/").data


def test_every_value_is_escaped(web):
    client, cases = web
    path = cases / QUICK_CASE
    script = "<script>alert(1)</script>"
    text = path.read_text(encoding="utf-8")
    text = text.replace("kommun: Exempelby kommun", f'kommun: "Exempelby {script}"')
    text = text.replace(
        'källa: "Delegationsordning för socialnämnden"', 'källa: "<img src=x onerror=alert(2)>"'
    )
    path.write_text(text, encoding="utf-8")
    pages = [client.get("/").data, client.get(f"/case/{QUICK_CASE}?area=delegation").data]
    if "html" in RENDERERS:
        pages.append(client.get(f"/report/{QUICK_CASE}").data)
    for page in pages:
        assert script.encode() not in page and b"<img src=x" not in page
        assert b"&lt;script&gt;" in page
    assert b"&lt;img src=x onerror=alert(2)&gt;" in pages[1]


def test_requests_for_another_host_name_are_refused(web):
    client, _cases = web
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_pages_forbid_framing_and_foreign_scripts(web):
    client, _cases = web
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_a_non_loopback_address_is_refused_without_allow_remote(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main
    from checker.web.server import announcement, check_binding

    for host in ("0.0.0.0", "192.168.1.10", "example.org", "::"):
        with pytest.raises(Exception, match="--allow-remote"):
            check_binding(host, allow_remote=False)
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_binding(host, allow_remote=False)
    check_binding("0.0.0.0", allow_remote=True, allowed_hosts=("granska.example",))
    result = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--allow-remote" in result.output
    assert "VARNING" in announcement("0.0.0.0", 8000, tmp_path)
    assert "endast från den här datorn" in announcement("127.0.0.1", 8000, tmp_path)


def test_the_store_refuses_a_save_over_a_changed_file(web, rules):
    from checker.web.store import CaseStore, Conflict

    _client, cases = web
    store = CaseStore(cases, rules)
    snapshot = store.read(QUICK_CASE)
    (cases / QUICK_CASE).write_text(snapshot.text + "# en kommentar\n", encoding="utf-8")
    with pytest.raises(Conflict):
        store.save(QUICK_CASE, snapshot.digest, snapshot.text)
    assert (cases / QUICK_CASE).read_text(encoding="utf-8").endswith("# en kommentar\n")


def test_the_store_never_writes_an_invalid_case(web, rules):
    from checker.errors import GranskaError
    from checker.web.store import CaseStore

    _client, cases = web
    store = CaseStore(cases, rules)
    snapshot = store.read(QUICK_CASE)
    with pytest.raises(GranskaError, match="personnummer"):
        store.save(
            QUICK_CASE,
            snapshot.digest,
            snapshot.text.replace("Intervju med enhetschef", "Intervju 19121212-1212"),
        )
    assert (cases / QUICK_CASE).read_text(encoding="utf-8") == snapshot.text
    assert sorted(path.name for path in cases.iterdir()) == [QUICK_CASE]


def test_enum_choices_read_as_their_labels(web):
    client, _cases = web
    page = client.get(f"/case/{QUICK_CASE}?area=delegation").data.decode()
    assert 'value="varje_sammantrade" checked> vid varje sammanträde</label>' in page


class _Controls(HTMLParser):
    """Collects a page's form controls, the ids labels point at, and wrapping labels."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "label":
            self.open_labels += 1
            self.label_for.add(attributes.get("for", ""))
        elif tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append({**attributes, "wrapped": str(self.open_labels > 0)})

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


@pytest.mark.parametrize(
    "url", ["/", f"/case/{QUICK_CASE}?area=delegation", f"/case/{QUICK_CASE}?area=riktlinjer"]
)
def test_every_input_has_a_label(web, url):
    client, _cases = web
    parser = _Controls()
    parser.feed(client.get(url).data.decode())
    assert len(parser.controls) > 3
    unlabelled = [
        control
        for control in parser.controls
        if control["wrapped"] == "False"
        and control.get("id", "-") not in parser.label_for
        and not control.get("aria-label")
    ]
    assert unlabelled == []


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_colours_have_sufficient_contrast_on_white(rules):
    from checker.output.environment import reports_dir

    css = (reports_dir() / "web" / "static" / "web.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--(text|muted|accent|error|ok): (#[0-9a-f]{6})", css))
    assert set(colours) == {"text", "muted", "accent", "error", "ok"}
    for name, colour in colours.items():
        ratio = 1.05 / (_luminance(colour) + 0.05)
        assert ratio >= 4.5, f"--{name} {colour} has contrast {ratio:.1f} on white (WCAG AA 4.5)"


def test_the_rest_of_granska_starts_without_the_web_framework():
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from checker.cli import main; "
        "CliRunner().invoke(main, ['check', 'examples/snabbkontroll-2024.yaml']); "
        "print(sorted(m for m in ('flask', 'werkzeug', 'ruamel') if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert output.strip() == "[]"


# --- the flow: review, report, counts, dates, words -------------------------------
def test_the_last_area_leads_to_the_review_of_every_answer(web, rules):
    client, _cases = web
    response = answer(client, QUICK_CASE, "rutiner", {}, next_area="-review")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/{QUICK_CASE}")
    page = client.get(response.headers["Location"]).data.decode()
    case = rules.audits["styrdokument-snabbkontroll"]
    for fact_id in ("riktlinjer.finns", "delegation.aterrapportering"):
        assert rules.facts[fact_id].question in page
    assert "vid varje sammanträde" in page  # an enum answer by its label
    assert f'href="/report/{QUICK_CASE}"' in page and case.title in page


@pytest.mark.skipif("html" not in RENDERERS, reason="no HTML renderer in checker.output.formats")
def test_the_report_links_back_to_the_answers(web):
    client, _cases = web
    page = client.get(f"/report/{QUICK_CASE}").data.decode()
    body = page[page.index("<body") :]
    assert body.index(f'href="/review/{QUICK_CASE}"') < body.index("Exempelby kommun")


def test_the_panel_counts_the_questions_the_user_sees(web):
    """A verdict never depends on more questions than the page shows without an answer."""
    client, _cases = web
    name = create(client).headers["Location"].rsplit("/", 1)[1]

    def counts() -> tuple[list[int], int]:
        page = client.get(f"/case/{name}").data.decode()
        known, total = map(
            int, re.search(r"(\d+) av (\d+) frågor har ett känt svar", page).groups()
        )
        found = re.findall(r"beror på (\d+) frågor? utan känt svar", page)
        return [int(count) for count in found], total - known

    assert counts() == ([2, 2], 4)  # the follow-ups do not show yet, nor are they counted
    answer(client, name, "riktlinjer", {"riktlinjer.finns": {"value": "ja"}})
    open_counts, unanswered = counts()
    assert unanswered == 5 and all(0 < count <= unanswered for count in open_counts)


def test_vet_ej_is_counted_as_not_known(web):
    client, cases = web
    path = cases / QUICK_CASE
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(  rutiner\.kanda_och_tillgangliga:) .*", r"\1 vet ej", text)
    path.write_text(text, encoding="utf-8")
    page = client.get(f"/case/{QUICK_CASE}").data.decode()
    assert "6 av 7 frågor har ett känt svar, 1 vet ej" in page
    assert re.search(r"Rutiner för anvisning[^<]*<span class=\"count\">0/1", page)
    assert "beror på 1 fråga utan känt svar" in page


def test_areas_come_in_the_audits_order_with_previous_and_next(web, rules):
    from checker.casefiles.fact_order import audit_facts

    client, _cases = web
    order = []
    for fact_id in audit_facts(rules, rules.audits["styrdokument-snabbkontroll"]):
        if rules.facts[fact_id].area not in order:
            order.append(rules.facts[fact_id].area)
    page = client.get(f"/case/{QUICK_CASE}?area={order[1]}").data.decode()
    nav = page[page.index('<nav class="areas"') : page.index("</nav>")]
    assert [nav.index(f"area={area}") for area in order] == sorted(
        nav.index(f"area={area}") for area in order
    )
    assert f'name="next" value="{order[0]}"' in page and "Föregående" in page
    assert f'name="next" value="{order[2]}"' in page and "Område 2 av 3" in page


def test_a_new_case_takes_dates_as_a_person_types_them(web, rules):
    client, cases = web
    response = create(client, **{"from": "1 jan 2024", "to": "31 december 2024"})
    assert response.status_code == 303
    result = check(cases / "provby-kommun-2024.yaml", rules=rules)
    assert result["granskningsperiod"] == {"från": "2024-01-01", "till": "2024-12-31"}


def test_typed_words_are_read_by_the_same_reader_as_the_questionnaire(web):
    client, cases = web
    name = create(client).headers["Location"].rsplit("/", 1)[1]
    answer(client, name, "riktlinjer", {"riktlinjer.finns": {"value": "ja"}})
    response = answer(
        client, name, "riktlinjer", {"riktlinjer.beslutsdatum": {"value": "12 mars 2024"}}
    )
    assert response.status_code == 303
    assert "riktlinjer.beslutsdatum: 2024-03-12" in (cases / name).read_text(encoding="utf-8")


def test_the_new_case_form_lists_templates_with_descriptions_and_chooses_none(web, rules):
    client, _cases = web
    page = client.get("/").data.decode()
    for audit in rules.audits.values():
        assert audit.title in page and audit.description in page
    assert (
        "checked" not in page[page.index('<fieldset class="templates"') :].split("</fieldset>")[0]
    )
    assert 'data-audits="' in page  # roles are shown for the templates that have them


def test_an_error_summary_links_to_each_field(web):
    client, _cases = web
    page = create(client, kommun="", audit="").data.decode()
    summary = page[
        page.index("data-error-summary") : page.index("</div>", page.index("data-error-summary"))
    ]
    assert 'href="#kommun"' in summary and 'href="#audit-' in summary
    name_page = answer(
        client, QUICK_CASE, "riktlinjer", {"riktlinjer.beslutsdatum": {"value": "2021-02-30"}}
    ).data.decode()
    assert "data-error-summary" in name_page
    assert 'href="#value-riktlinjer-beslutsdatum"' in name_page


@pytest.mark.parametrize(
    "url", ["/", f"/case/{QUICK_CASE}", f"/case/{QUICK_CASE}?area=rutiner", f"/review/{QUICK_CASE}"]
)
def test_pages_show_no_ids_or_file_paths(web, rules, url):
    client, cases = web

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(client.get(url).data.decode())
    shown = " ".join(parser.parts)
    assert str(cases) not in shown and "docs/" not in shown
    assert not [fact_id for fact_id in rules.facts if fact_id in shown]
    assert not [audit_id for audit_id in rules.audits if audit_id in shown]


def test_help_texts_name_choices_by_their_labels(rules):
    """A help text names a choice as the page shows it (”label”), never by its id."""
    for fact in rules.facts.values():
        unquoted = re.sub(r"”[^”]*”", "", fact.help)
        named = [
            value
            for value in fact.values
            if fact.label(value) != value
            and re.search(rf"(?<![\wåäö]){re.escape(value)}(?![\wåäö])", unquoted)
        ]
        assert named == [], f"{fact.id}: the help names {named} by id, not by label"


def test_a_port_in_use_is_reported_in_swedish(tmp_path):
    import socket

    from click.testing import CliRunner

    from checker.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--dir", str(tmp_path), "--port", str(port), "--no-browser"]
        )
    assert result.exit_code == 2
    assert f"porten {port} används redan" in result.output
    assert "Traceback" not in result.output and "in use" not in result.output


def test_the_browser_is_opened_only_where_there_is_a_display(monkeypatch):
    from checker.web.server import can_open_browser

    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert not can_open_browser()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert can_open_browser()
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.delenv("WAYLAND_DISPLAY")
    assert can_open_browser()
