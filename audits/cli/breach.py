"""`vern breach …`: the breach register from the command line (issue: breach register)."""

from pathlib import Path

import click

from audits.alerts import messages, outbox
from audits.breaches import register as breaches
from audits.cli.support import actor, open_from, print_json, write_file
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import Message, t
from audits.io import jsonfile


def _yes(value: str) -> bool:
    return value == "yes"


@click.group("breach")
def breach_group():
    """Personal-data breaches (avvik): log, assess, decide, notify, close."""


@breach_group.command("add")
@click.option("--file", "file", required=True, help="The breach as JSON; - reads standard input.")
@click.pass_context
def breach_add(ctx, file):
    """Log a breach."""
    vern = open_from(ctx)
    breach_id = breaches.add(vern.store, vern.config, actor(), jsonfile.read(file, Message("json.what.breach")))
    outbox.deliver(vern.store, vern.config)  # the advisers alerted now; `vern serve` retries what fails
    for _, sentence in messages.told(vern.store, vern.config, breach_id, vern.config.language):
        click.echo(sentence, err=True)
    print_json(breaches.get(vern.store, None, breach_id))


@breach_group.command("complete")
@click.argument("breach_id", type=int)
@click.option("--file", "file", required=True,
              help="The facts to set, as JSON (any of: description, occurred_at, subject_categories, "
                   "subjects_count, data_categories, records_count, breach_types, consequences, measures); "
                   "- reads standard input.")
@click.pass_context
def breach_complete(ctx, breach_id, file):
    """Fill in or correct the facts a notification needs (Art. 33(3), in phases: 33(4))."""
    vern = open_from(ctx)
    print_json(breaches.complete(vern.store, actor(), breach_id, jsonfile.read(file, Message("json.what.facts"))))


@breach_group.command("assess")
@click.argument("breach_id", type=int)
@click.option("--file", "file", required=True, help="The ENISA assessment as JSON; - reads standard input.")
@click.pass_context
def breach_assess(ctx, breach_id, file):
    """Score the breach by the ENISA method and propose who must be told."""
    vern = open_from(ctx)
    print_json(breaches.assess(vern.store, actor(), breach_id, jsonfile.read(file, Message("json.what.assessment"))))


@breach_group.command("decide")
@click.argument("breach_id", type=int)
@click.option("--notify-authority", type=click.Choice(["yes", "no"]), required=True,
              help="Notify Datatilsynet (or, as processor, the controller).")
@click.option("--notify-subjects", type=click.Choice(["yes", "no"]), required=True)
@click.option("--reason", default="", help="Required where the decision differs from the proposal.")
@click.pass_context
def breach_decide(ctx, breach_id, notify_authority, notify_subjects, reason):
    """Confirm or override Vern's proposal."""
    vern = open_from(ctx)
    print_json(breaches.decide(vern.store, actor(), breach_id, _yes(notify_authority),
                               _yes(notify_subjects), reason))


@breach_group.command("notify")
@click.argument("breach_id", type=int)
@click.option("--to", "recipient", type=click.Choice(breaches.RECIPIENTS), required=True)
@click.option("--at", "at", required=True, help="When it was sent (ISO 8601 with offset).")
@click.option("--reference", required=True, help="Case number or how it was sent.")
@click.option("--delay-reason", default="", help="Required after the deadline (Art. 33(1)).")
@click.pass_context
def breach_notify(ctx, breach_id, recipient, at, reference, delay_reason):
    """Record a notification (a later one to the same recipient is a further phase)."""
    vern = open_from(ctx)
    print_json(breaches.notify(vern.store, actor(), breach_id, recipient, clock.parse_instant(at, "--at"),
                               reference, delay_reason))


@breach_group.command("close")
@click.argument("breach_id", type=int)
@click.option("--summary", required=True, help="Lessons learned.")
@click.pass_context
def breach_close(ctx, breach_id, summary):
    """Close the breach with what was learned."""
    vern = open_from(ctx)
    print_json(breaches.close(vern.store, actor(), breach_id, summary))


@breach_group.command("show")
@click.argument("breach_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def breach_show(ctx, breach_id, as_json):
    """One breach with its clock, assessment, decision, notifications and timeline."""
    record = breaches.get(open_from(ctx).store, None, breach_id)
    if as_json:
        return print_json(record)
    click.echo(f"#{record['id']} {record['title']} [{record['status']}]")
    click.echo(f"aware {clock.show(clock.parse_instant(record['aware_at']))}, "
               f"deadline {clock.show(clock.parse_instant(record['deadline_at']))} "
               f"({record['hours_left']:+.1f} h), notify {record['notify_to']}")
    for event in record["timeline"]:
        click.echo(f"  {clock.show(clock.parse_instant(event['at']))} {event['actor']}: {event['kind']}")


@breach_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.option("--open", "open_only", is_flag=True, help="Only breaches not closed.")
@click.pass_context
def breach_list(ctx, as_json, open_only):
    """Breaches, those whose clock runs first, nearest deadline first."""
    records = breaches.listing(open_from(ctx).store, open_only)
    if as_json:
        return print_json(records)
    for r in records:
        clock_text = f"{r['hours_left']:+7.1f} h" if r["clock_running"] else "       —"
        click.echo(f"#{r['id']:<5} {r['status']:<9} {clock_text}  {r['notify_to']:<22} {r['title']}")


# -- documents: the notification draft, the letter to data subjects, the breach record ----
def _format(fmt: str | None, out: str, allowed: tuple[str, ...]) -> str:
    """The format asked for, else the one --out's suffix names, else the first allowed."""
    if fmt:
        return fmt
    suffix = Path(out).suffix.lower().lstrip(".")
    return suffix if suffix in allowed else allowed[0]


@breach_group.command("draft")
@click.argument("breach_id", type=int)
@click.option("--lang", type=click.Choice(["nb", "en"]), help="Language (default from configuration).")
@click.option("--format", "fmt", type=click.Choice(["md", "pdf"]), help="Default: from --out's suffix, else md.")
@click.option("--out", required=True, metavar="FILE", help="Where to write the document.")
@click.option("--to", "recipient", type=click.Choice(breaches.RECIPIENTS),
              help="authority/controller: the notification (default: the breach's recipient); "
                   "subjects: the letter to data subjects (Art. 34).")
@click.pass_context
def breach_draft(ctx, breach_id, lang, fmt, out, recipient):
    """Write the notification draft (Art. 33(3)) or the letter to data subjects (Art. 34);
    what the law requires and the draft lacks is listed on stderr."""
    from audits.breaches import documents as breach_documents
    from audits.core import trail
    from audits.io import pdf
    from audits.organisation import profile as organisation

    vern = open_from(ctx)
    record = breaches.get(vern.store, None, breach_id)
    profile = organisation.load(vern.store, vern.config)
    lang, fmt = lang or vern.config.language, _format(fmt, out, ("md", "pdf"))
    recipient = recipient or record["notify_recipient"]
    if recipient == "subjects":
        text = breach_documents.subject_letter_markdown(record, profile, lang)
    elif recipient != record["notify_recipient"]:
        raise VernError("text.refused", field="--to",
                        why=Message(f"breaches.refused.notified_to.{record['notify_recipient']}"))
    else:
        text = breach_documents.notification_markdown(record, profile, lang)
    title = text.splitlines()[0].lstrip("# ")
    path = write_file(out, pdf.pdf_bytes(text, title) if fmt == "pdf" else text.encode("utf-8"))
    trail.record(vern.store, actor(), "export", str(breach_id),
                 {"document": "subject_letter" if recipient == "subjects" else "notification",
                  "to": recipient, "format": fmt, "lang": lang})
    gaps = breach_documents.gaps(record, profile, "subject_letter" if recipient == "subjects" else "notification")
    if gaps:
        click.echo("\n  - ".join([t("documents.gaps", lang), *(gap(lang) for gap in gaps)]), err=True)
    click.echo(str(path))


@breach_group.command("record")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf", "md"]),
              help="Default: from --out's suffix, else csv.")
@click.option("--out", required=True, metavar="FILE", help="Where to write the record.")
@click.option("--lang", type=click.Choice(["nb", "en"]), help="Language (default from configuration).")
@click.pass_context
def breach_record(ctx, fmt, out, lang):
    """Write the breach record (Art. 33(5)): every breach, notified or not, with its timeline."""
    from audits.breaches import documents as breach_documents
    from audits.core import trail
    from audits.io import pdf

    vern = open_from(ctx)
    lang, fmt = lang or vern.config.language, _format(fmt, out, ("csv", "xlsx", "pdf", "md"))
    records = breaches.listing(vern.store)
    if fmt == "csv":
        content = breach_documents.record_csv(records, lang)
    elif fmt == "xlsx":
        content = breach_documents.record_xlsx(records, lang)
    else:
        text = breach_documents.record_markdown(records, lang, trail.head(vern.store))
        content = pdf.pdf_bytes(text, text.splitlines()[0].lstrip("# ")) if fmt == "pdf" else text.encode("utf-8")
    path = write_file(out, content)
    trail.record(vern.store, actor(), "export", "breach-record",
                 {"document": "breach_record", "format": fmt, "lang": lang, "breaches": len(records)})
    click.echo(str(path))
