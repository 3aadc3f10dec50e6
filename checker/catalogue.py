"""A plain-text listing of the rule base: audits, questions, criteria and their basis."""

from __future__ import annotations

from pathlib import Path

from checker.errors import GranskaError
from checker.load import load_rules
from checker.schema import suggest


def describe_rules(rules_dir: Path | None = None, audit_id: str | None = None,
                   overlay: Path | None = None) -> str:
    rules = load_rules(rules_dir, overlay)
    if audit_id is not None and audit_id not in rules.audits:
        raise GranskaError(f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}; "
                           f"known: {', '.join(sorted(rules.audits))}")
    lines = [f"rules {rules.directory} (version {rules.version})", ""]
    if rules.overlay is not None:
        lines.append(f"overlay {rules.overlay.directory}: {rules.overlay.uppdrag}")
        lines.extend(f"  {d.change} {d.kind} {d.id}: {d.title}"
                     for d in rules.overlay.deviations)
        lines.append("")
    for audit in sorted(rules.audits.values(), key=lambda a: a.id):
        if audit_id is not None and audit.id != audit_id:
            continue
        lines.append(f"{audit.id}: {audit.title}")
        lines.append("  scale: " + " / ".join(grade.label for grade in audit.scale))
        if audit.followup is not None:
            lines.append("  followup: " + " / ".join(g.label for g in audit.followup.scale))
        for question in audit.questions:
            lines.append(f"  {question.id} {question.text}")
            for spec in question.criteria:
                criterion = rules.criteria[spec.criterion]
                marks = (" [väsentligt]" if spec.essential else "") + (
                    f" [vikt {spec.weight:g}]" if spec.weight != 1 else "")
                lines.append(f"    - {criterion.id}: {criterion.title}{marks}")
                for provision_id in criterion.basis:
                    provision = rules.provisions[provision_id]
                    refs = "; ".join(
                        f"{rules.sources[c.source].short} {c.ref}"
                        + ("" if c.verified else " (ej verifierat)")
                        for c in provision.citations)
                    lines.append(f"        {provision_id}: {refs}")
        lines.append("")
    return "\n".join(lines) + "\n"
