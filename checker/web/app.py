"""The Flask application: case list, new case, questionnaire pages, verdicts, reports.

Every page is rendered from the case file as it is on disk; every form carries the
file's hash and a CSRF token. All user-facing words are in the templates of
reports/web/; this module passes ids, values and error codes.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask, abort, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from checker.casefiles.answers import read_date
from checker.casefiles.fact_order import audit_facts
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.strict_yaml import scalar
from checker.interview import interview
from checker.model import RuleBase
from checker.output.environment import reports_dir
from checker.output.formats import RENDERERS
from checker.web import form as questionnaire
from checker.web.security import (
    CSRF_FIELD,
    MAX_BODY_BYTES,
    REPORT_SECURITY_POLICY,
    BodyLimit,
    add_headers,
    csrf_token,
    csrf_valid,
    trusted_hosts,
)
from checker.web.store import CaseStore, Conflict, Snapshot, UnsafeName, slug

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
REVIEW = "-review"  # the "next" of the last area: the review page (no area id starts with -)
UPCOMING = 5  # how many of the most decisive open questions the panel lists
_NEW_CASE_FIELDS = ("kommun", "audit", "from", "to", "granskningsdatum")


def create_app(
    cases_dir: Path,
    rules: RuleBase,
    host: str = "127.0.0.1",
    allowed_hosts: tuple[str, ...] = (),
) -> Flask:
    """The application serving the case files of `cases_dir`; it answers only the Host
    names of `trusted_hosts`: loopback names, `host` and `allowed_hosts`."""
    templates = reports_dir() / "web"
    app = Flask(
        __name__,
        template_folder=str(templates),
        static_folder=str(templates / "static"),
        static_url_path="/static",
    )
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_NAME="granska_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        TRUSTED_HOSTS=trusted_hosts(host, allowed_hosts),
    )
    app.wsgi_app = BodyLimit(app.wsgi_app, MAX_BODY_BYTES)
    # Any text after /case/ reaches the name check, so "/case//etc/x.yaml" gets a 400.
    app.url_map.merge_slashes = False
    app.url_map.converters["name"] = _AnyName
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["scalar"] = scalar
    store = CaseStore(cases_dir, rules)
    _register(app, store, rules)
    return app


class _AnyName(PathConverter):
    """A case name as given, slashes and all; CaseStore decides whether it is allowed."""

    regex = ".+"
    part_isolating = False


def _register(app: Flask, store: CaseStore, rules: RuleBase) -> None:
    @app.context_processor
    def common() -> dict[str, Any]:
        return {
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf_token(session),
            "rules_version": rules.version,
        }

    @app.before_request
    def check_csrf() -> None:
        if request.method == "POST" and not csrf_valid(session, request.form.get(CSRF_FIELD)):
            abort(400, description="csrf")

    @app.after_request
    def headers(response):
        add_headers(response.headers)
        return response

    @app.errorhandler(HTTPException)
    def error_page(error: HTTPException):
        reason = error.description if error.description in _REASONS else f"http_{error.code}"
        return render_template("error.html.j2", reason=reason, status=error.code), error.code

    @app.get("/")
    def index():
        return _index(store, rules, {}, {})

    @app.post("/new")
    def new_case():
        return _create(store, rules)

    @app.get("/case/<name:name>")
    def case_page(name: str):
        snapshot = _snapshot(store, name)
        if snapshot.case is None:
            return _broken(snapshot, {}, 200)
        area = _area(rules, snapshot, request.args.get("area"))
        fields = _fields_from_case(rules, snapshot, area)
        saved = request.args.get("saved")
        message = "" if saved is None else "unchanged" if saved == "0" else "saved"
        return _case_page(rules, snapshot, area, fields, message, 200)

    @app.post("/case/<name:name>")
    def save(name: str):
        return _save(store, rules, name)

    @app.get("/review/<name:name>")
    def review(name: str):
        snapshot = _snapshot(store, name)
        if snapshot.case is None:
            return _broken(snapshot, {}, 200)
        return _review_page(rules, snapshot)

    @app.get("/report/<name:name>")
    def report(name: str):
        result = _result(store, rules, name)
        if "html" not in RENDERERS:
            abort(404, description="format_missing")
        back = render_template("report-back.html.j2", name=name)
        report = _BODY.sub(lambda body: body.group(0) + back, RENDERERS["html"](result, False), 1)
        response = app.make_response(report)
        response.headers["Content-Security-Policy"] = REPORT_SECURITY_POLICY
        return response

    @app.get("/download/<kind>/<name:name>")
    def download(kind: str, name: str):
        if kind not in DOWNLOADS:
            abort(404, description="format_missing")
        result = _result(store, rules, name)
        if kind not in RENDERERS:
            abort(404, description="format_missing")
        response = app.make_response(RENDERERS[kind](result, False))
        response.mimetype = DOWNLOADS[kind]
        response.headers["Content-Disposition"] = f'attachment; filename="{Path(name).stem}.{kind}"'
        return response


_BODY = re.compile(r"<body[^>]*>")
_REASONS = ("csrf", "unsafe_name", "not_found", "unknown_area", "format_missing", "broken_case")


def _snapshot(store: CaseStore, name: str) -> Snapshot:
    try:
        return store.read(name)
    except UnsafeName:
        abort(400, description="unsafe_name")
    except FileNotFoundError:
        abort(404, description="not_found")


def _result(store: CaseStore, rules: RuleBase, name: str) -> dict:
    snapshot = _snapshot(store, name)
    if snapshot.case is None:
        abort(409, description="broken_case")
    return evaluate_case(rules, snapshot.case)


def _area(rules: RuleBase, snapshot: Snapshot, requested: str | None) -> questionnaire.Area:
    areas = questionnaire.areas_of(rules, snapshot.case.audit)
    if requested is None:
        return areas[0]
    for area in areas:
        if area.id == requested:
            return area
    abort(400, description="unknown_area")


def _shown(rules: RuleBase, snapshot: Snapshot, area: questionnaire.Area) -> list[str]:
    return [fact_id for fact_id in area.facts if questionnaire.shown(rules, snapshot.case, fact_id)]


def _fields_from_case(
    rules: RuleBase, snapshot: Snapshot, area: questionnaire.Area
) -> list[questionnaire.Field]:
    facts = snapshot.case.facts
    return [
        questionnaire.Field(
            rules.facts[fact_id],
            questionnaire.inputs_from_case(rules.facts[fact_id], facts.get(fact_id)),
        )
        for fact_id in _shown(rules, snapshot, area)
    ]


def _counts(rules: RuleBase, case, area: questionnaire.Area) -> dict[str, int]:
    """How many of an area's questions now shown have a known answer, are "vet ej", in all.

    "vet ej" is not a known answer: it is counted apart, as the verdict panel counts it."""
    shown = [fact_id for fact_id in area.facts if questionnaire.shown(rules, case, fact_id)]
    stated = [case.facts[fact_id] for fact_id in shown if fact_id in case.facts]
    known = sum(fact.value is not None for fact in stated)
    return {"known": known, "unknown": len(stated) - known, "total": len(shown)}


def _case_page(
    rules: RuleBase,
    snapshot: Snapshot,
    area: questionnaire.Area,
    fields: list[questionnaire.Field],
    message: str,
    status: int,
    problem: str = "",
):
    case = snapshot.case
    areas = questionnaire.areas_of(rules, case.audit)
    position = [a.id for a in areas].index(area.id)
    return render_template(
        "case.html.j2",
        **_case_context(rules, snapshot),
        area=area,
        position=position,
        fields=fields,
        message=message,
        problem=problem,
        previous_area=areas[position - 1] if position else None,
        next_area=areas[position + 1] if position + 1 < len(areas) else None,
        underlag=rules.vocabulary.underlag,
        unknown=questionnaire.UNKNOWN,
    ), status


def _case_context(rules: RuleBase, snapshot: Snapshot) -> dict[str, Any]:
    """What every page of a case shows: its header, progress and the verdict panel."""
    case = snapshot.case
    areas = questionnaire.areas_of(rules, case.audit)
    progress = {a.id: _counts(rules, case, a) for a in areas}
    area_of = {fact_id: a.id for a in areas for fact_id in a.facts}
    ranked = [entry["fact"] for entry in interview(rules, case)["facts"]]
    askable = [
        fact_id
        for fact_id in ranked
        if fact_id in area_of and questionnaire.shown(rules, case, fact_id)
    ]
    result = evaluate_case(rules, case)
    return {
        "name": snapshot.name,
        "digest": snapshot.digest,
        "case": case,
        "audit": rules.audits[case.audit],
        "areas": areas,
        "progress": progress,
        "totals": {
            key: sum(counts[key] for counts in progress.values())
            for key in ("known", "unknown", "total")
        },
        "result": result,
        # per revisionsfråga, how many of the questions now shown it still depends on,
        # so the panel counts the questions the user sees (follow-ups once they show)
        "open_counts": {
            question["id"]: sum(
                questionnaire.shown(rules, case, fact_id) for fact_id in question["open_facts"]
            )
            or len(question["open_facts"])
            for question in result["questions"]
        },
        "upcoming": [(rules.facts[fact_id], area_of[fact_id]) for fact_id in askable[:UPCOMING]],
        "grades": {grade.id: grade for grade in rules.audits[case.audit].scale},
        "downloads": [kind for kind in DOWNLOADS if kind in RENDERERS],
        "has_html": "html" in RENDERERS,
    }


def _review_page(rules: RuleBase, snapshot: Snapshot):
    """Every answer of the case, area by area, before the verdicts and the report."""
    case = snapshot.case
    sections = [
        (area, _fields_from_case(rules, snapshot, area))
        for area in questionnaire.areas_of(rules, case.audit)
    ]
    return render_template(
        "review.html.j2",
        **_case_context(rules, snapshot),
        sections=sections,
        unknown=questionnaire.UNKNOWN,
    )


def _broken(snapshot: Snapshot, submitted: dict[str, dict[str, str]], status: int):
    """The page of a case file that cannot be read; `submitted`: unsaved answers by question."""
    return render_template(
        "broken.html.j2", name=snapshot.name, error=str(snapshot.error), submitted=submitted
    ), status


def _save(store: CaseStore, rules: RuleBase, name: str):
    snapshot = _snapshot(store, name)
    submitted_ids = set(request.form.getlist("fact"))
    if snapshot.digest != request.form.get("digest", ""):
        return _conflict(rules, snapshot, submitted_ids)
    if snapshot.case is None:
        return _broken(snapshot, {}, 409)
    area = _area(rules, snapshot, request.form.get("area"))
    fields, changes = [], {}
    for fact_id in _shown(rules, snapshot, area):
        fact = rules.facts[fact_id]
        inputs = (
            questionnaire.inputs_from_form(fact, request.form)
            if fact_id in submitted_ids
            else questionnaire.inputs_from_case(fact, snapshot.case.facts.get(fact_id))
        )
        answer, error = questionnaire.read_inputs(fact, inputs, rules.vocabulary.underlag)
        fields.append(questionnaire.Field(fact, inputs, error))
        if (
            fact_id in submitted_ids
            and not error
            and not questionnaire.same_answer(answer, snapshot.case.facts.get(fact_id))
        ):
            changes[fact_id] = answer
    if any(field.error for field in fields):
        return _case_page(rules, snapshot, area, fields, "invalid", 422)
    if changes:
        from checker.casefiles.edit import set_facts

        try:
            text = set_facts(
                snapshot.text,
                changes,
                audit_facts(rules, rules.audits[snapshot.case.audit]),
                snapshot.name,
            )
            store.save(name, snapshot.digest, text)
        except Conflict:
            return _conflict(rules, store.read(name), submitted_ids)
        except (GranskaError, OSError) as error:
            return _case_page(rules, snapshot, area, fields, "save_failed", 422, str(error))
    target = request.form.get("next") or area.id
    if target == REVIEW:
        return redirect(url_for("review", name=name), 303)
    return redirect(url_for("case_page", name=name, area=target, saved=len(changes)), 303)


def _conflict(rules: RuleBase, snapshot: Snapshot, submitted_ids: set[str]):
    """The file changed since the form was shown: nothing is written; the submitted
    answers are shown again, each beside what the file now says where they differ."""
    submitted = {
        fact_id: questionnaire.inputs_from_form(rules.facts[fact_id], request.form)
        for fact_id in sorted(submitted_ids)
        if fact_id in rules.facts
    }
    if snapshot.case is None:
        by_question = {
            rules.facts[fact_id].question: inputs for fact_id, inputs in submitted.items()
        }
        return _broken(snapshot, by_question, 409)
    area = _area(rules, snapshot, request.form.get("area"))
    fields = []
    for fact_id in _shown(rules, snapshot, area):
        fact, stated = rules.facts[fact_id], snapshot.case.facts.get(fact_id)
        on_file = questionnaire.inputs_from_case(fact, stated)
        inputs = submitted.get(fact_id, on_file)
        fields.append(
            questionnaire.Field(
                fact, inputs, on_file="" if inputs == on_file else _describe(on_file)
            )
        )
    return _case_page(rules, snapshot, area, fields, "conflict", 409)


def _describe(inputs: dict[str, str]) -> str:
    """The file's value of a field in one line (values and sources, no words)."""
    value = inputs["value"] or (f"{inputs['count']} / {inputs['total']}" if inputs["count"] else "")
    value = value or (questionnaire.UNKNOWN if inputs["unknown"] else "–")
    return " · ".join(part for part in (value, inputs["kalla"], inputs["underlag"]) if part)


def _index(
    store: CaseStore,
    rules: RuleBase,
    inputs: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
):
    cases = []
    for name in store.names():
        try:
            snapshot = store.read(name)
        except FileNotFoundError:  # removed since the listing
            continue
        cases.append(
            {
                "name": name,
                "case": snapshot.case,
                "audit": rules.audits[snapshot.case.audit] if snapshot.case else None,
                "error": str(snapshot.error) if snapshot.error else "",
            }
        )
    roles: dict[str, str] = {}
    audits_of: dict[str, list[str]] = {}
    for audit in rules.audits.values():
        for role in audit.roles:
            roles.setdefault(role.id, role.title)
            audits_of.setdefault(role.id, []).append(audit.id)
    return render_template(
        "index.html.j2",
        cases=cases,
        audits=sorted(rules.audits.values(), key=lambda audit: len(audit_facts(rules, audit))),
        roles=sorted(roles.items()),
        audits_of=audits_of,
        inputs=inputs,
        errors=errors,
    ), status


def _create(store: CaseStore, rules: RuleBase):
    form = request.form
    inputs = {key: form.get(key, "").strip() for key in _NEW_CASE_FIELDS}
    inputs.update({key: value.strip() for key, value in form.items() if key.startswith("role.")})
    errors: dict[str, str] = {}
    kommun = " ".join(inputs["kommun"].split())
    if not kommun:
        errors["kommun"] = "required"
    audit = rules.audits.get(inputs["audit"])
    if audit is None:
        errors["audit"] = "choice"
    dates: dict[str, date | None] = {}
    for key in ("from", "to", "granskningsdatum"):
        dates[key] = read_date(inputs[key])
        if dates[key] is None:
            errors[key] = "date"
    if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
        errors["to"] = "period_order"
    namnder: dict[str, list[str]] = {}
    for role in audit.roles if audit else ():
        namnd = " ".join(inputs.get(f"role.{role.id}", "").split())
        if namnd:
            namnder.setdefault(namnd, []).append(role.id)
        else:
            errors[f"role.{role.id}"] = "required"
    if errors:
        return _index(store, rules, inputs, errors, 422)
    text = render_template(
        "new-case.yaml.j2",
        kommun=kommun,
        audit=audit,
        period_from=dates["from"],
        period_to=dates["to"],
        granskningsdatum=dates["granskningsdatum"],
        namnder=sorted(namnder.items()),
    )
    stem = slug(f"{kommun}-{dates['granskningsdatum'].year}")
    try:
        name = store.create(stem, text)
    except GranskaError as error:
        errors["file"] = str(error)
        return _index(store, rules, inputs, errors, 422)
    return redirect(url_for("case_page", name=name), 303)
