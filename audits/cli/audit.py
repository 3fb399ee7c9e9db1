"""`vern audit ...`: dated audit reports that an inspector can verify later.

run    take the snapshot, store it with its PDF, print the id and SHA-256
list   the stored audits, each re-verified against the audit trail
show   one audit: its snapshot, and the stored PDF with --out
verify a PDF file: which stored audit it is, or that it matches none (exit 1)
diff   what changed between an audit and the one before it
"""

from pathlib import Path

import click

from audits.cli.support import actor, language, open_from, print_json, write_file
from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, Message, joined
from audits.reporting import audit_report


def _write(store, report_id: int, out: Path, who: str) -> None:
    """Hand out the stored PDF, recorded as an export."""
    write_file(out, bytes(audit_report.get(store, report_id)["pdf"]))
    trail.record(store, who, "export", f"audit-{report_id}.pdf", {"audit": report_id})


def _english(problems: list[Message]) -> list[str]:
    """What is wrong, as the JSON output says it (its field values are a contract: English)."""
    return [str(problem) for problem in problems]


def _line(row: dict, problems: list[Message], lang: str) -> str:
    state = "verified" if not problems else "NOT VERIFIED: " + joined(problems)(lang)
    return (f"{row['id']:>4}  {clock.show(row['created_at'])}  {row['actor']:<16} "
            f"{row['period_from']}..{row['period_to']}  trail #{row['trail_head_seq']} "
            f"{row['trail_head_hash'][:16]}…  sha256 {row['report_sha256']}  {state}")


@click.group("audit")
def audit_group():
    """Audit reports: a dated, verifiable snapshot of the whole compliance state."""


@audit_group.command("run")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the PDF to FILE.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help="Breaches noticed from this day (YYYY-MM-DD; default: 12 months back).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of the report (default: configured).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_run(ctx, out, since, lang, as_json):
    """Take a snapshot now, store it immutably with its PDF, record it in the trail."""
    vern = open_from(ctx)
    who = actor()
    row = audit_report.run(vern, who, audit_report.since_date(since), lang)
    if out is not None:
        _write(vern.store, row["id"], out, who)
    if as_json:
        return print_json(audit_report.as_json(row))
    click.echo(f"audit {row['id']}: sha256 {row['report_sha256']}")
    click.echo(f"trail head #{row['trail_head_seq']} {row['trail_head_hash']}; recorded in trail entry "
               f"#{row['trail_seq']}" + (f"; PDF written to {out}" if out else ""))


@audit_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_list(ctx, as_json):
    """Stored audits, newest first, each re-verified against the audit trail."""
    store = open_from(ctx).store
    checked = audit_report.verify_all(store)
    rows = audit_report.listing(store)
    if as_json:
        return print_json([{**audit_report.as_json(r), "problems": _english(checked["reports"][r["id"]]),
                            "verified": not checked["reports"][r["id"]] and checked["trail"]["problem"] is None}
                           for r in rows])
    if not rows:
        click.echo("no audit yet: vern audit run", err=True)
    for row in rows:
        click.echo(_line(row, checked["reports"][row["id"]], language(ctx)))
    if checked["trail"]["problem"]:
        click.echo(f"the audit trail is broken after {checked['trail']['entries_verified']} intact entries: "
                   f"{checked['trail']['problem']}", err=True)


@audit_group.command("show")
@click.argument("report_id", type=int, metavar="ID")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the stored PDF to FILE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_show(ctx, report_id, out, as_json):
    """One audit with its snapshot; --out writes the PDF exactly as stored."""
    store = open_from(ctx).store
    row = audit_report.get(store, report_id, with_pdf=False)
    problems = audit_report.problems(store, report_id)
    if out is not None:
        _write(store, report_id, out, actor())
    if as_json:
        return print_json({**audit_report.as_json(row), "problems": _english(problems), "snapshot": row["snapshot"]})
    click.echo(_line(row, problems, language(ctx)))
    s = row["snapshot"] or {}
    found, breached = s.get("findings", {}), s.get("breaches", {}).get("summary", {})
    click.echo(f"open findings: {found.get('total')} ("
               + ", ".join(f"{k} {v}" for k, v in found.get("by_severity", {}).items()) + ")")
    click.echo("breaches: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in breached.items()))
    click.echo(f"snapshot sha256 {row['snapshot_sha256']}" + (f"; PDF written to {out}" if out else ""))


@audit_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_verify(ctx, file, as_json):
    """Which stored audit FILE is; exit 1 when it matches none or disagrees with the trail."""
    store = open_from(ctx).store
    data = file.read_bytes()
    found = audit_report.identify(store, data)
    if found is None:
        raise VernError("audit.refused.unknown_file", file=str(file), sha=audit_report.sha256(data))
    row = found["report"]
    if as_json:
        print_json({**audit_report.as_json(row), "problems": _english(found["problems"]), "trail": found["trail"]})
    else:
        click.echo(f"{file}: audit {row['id']} of {clock.show(row['created_at'])} (Oslo) by {row['actor']}, "
                   f"period {row['period_from']}..{row['period_to']}, trail head #{row['trail_head_seq']} "
                   f"{row['trail_head_hash']}")
    if found["trail"]["problem"]:
        raise VernError("audit.refused.trail", count=found["trail"]["entries_verified"],
                        problem=found["trail"]["problem"])
    if found["problems"]:
        raise VernError("audit.problems", id=row["id"], problems=joined(found["problems"]))
    if not as_json:
        click.echo(f"verified: the file is the stored report, recorded in trail entry #{row['trail_seq']}")


@audit_group.command("diff")
@click.argument("report_id", type=int, metavar="[ID]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def audit_diff(ctx, report_id, as_json):
    """What changed between audit ID (default: the latest) and the audit before it."""
    changes = audit_report.diff(open_from(ctx).store, report_id)
    if as_json:
        return print_json(changes)
    click.echo(f"audit {changes['from']} → audit {changes['to']}")
    total = changes["open_total"]
    click.echo(f"open findings: {total['before']} → {total['after']}")
    for title, key in (("new", "findings_new"), ("gone", "findings_gone")):
        for f in changes[key]:
            click.echo(f"  {title:<5} {f['fingerprint']}  {f['severity']:<8} {f['check']}/{f['rule']}: {f['subject']}")
    for f in changes["findings_status_changed"]:
        click.echo(f"  status {f['fingerprint']}: {f['before']} → {f['after']}")
    for name in ("by_area", "by_severity"):
        moved = {k: v for k, v in changes[name].items() if v["before"] != v["after"]}
        if moved:
            click.echo(f"{name.replace('_', ' ')}: " + ", ".join(
                f"{k} {v['before']} → {v['after']}" for k, v in moved.items()))
    for c in changes["checks_changed"]:
        click.echo(f"check {c['id']}: {c['before'] or 'never run'} → {c['after'] or 'never run'}")
    for b in changes["breaches_added"]:
        click.echo(f"breach {b['id']} added: {b['status']}, {b['timeliness']}")
    for b in changes["breaches_changed"]:
        click.echo(f"breach {b['id']}: {b['before']['status']}/{b['before']['timeliness']} → "
                   f"{b['after']['status']}/{b['after']['timeliness']}")
    for r in changes["registers_changed"]:
        click.echo(f"{r['register']} {r['key']}: {r['before']} → {r['after']}")


def register(cli: click.Group) -> None:
    cli.add_command(audit_group)
