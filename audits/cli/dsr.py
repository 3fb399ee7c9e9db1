"""`vern dsr ...`: data-subject requests and their legal clock (GDPR Art. 12(3))."""

from pathlib import Path

import click

from audits.cli.support import actor, open_from, print_json
from audits.core import clock
from audits.core.i18n import t
from audits.subject_requests import register as subject_requests
from audits.subject_requests import reminders as request_reminders


@click.group("dsr")
def dsr_group():
    """Data-subject requests: log, verify, extend, answer or refuse, each on time."""


def _public(record: dict) -> dict:
    """Without the requester and the free texts, which may name people."""
    hidden = ("requester", "verified_how", "extension_reason", "refusal_ground")
    return {**{k: v for k, v in record.items() if k not in hidden},
            "erasure_tasks": [{k: v for k, v in task.items() if k != "note"} for task in record["erasure_tasks"]]}


@dsr_group.command("add")
@click.option("--file", "path", required=True, type=click.Path(path_type=Path),
              help="JSON: received_at (ISO 8601 with offset), kind, channel, requester, and email "
                   "(required for marketing_opt_out).")
@click.pass_context
def dsr_add(ctx, path):
    """Log a request; prints its id and due date."""
    vern = open_from(ctx)
    request_id = subject_requests.add_file(vern.store, actor(), path)
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("verify")
@click.argument("request_id", type=int)
@click.option("--how", required=True, help="How the identity was verified.")
@click.pass_context
def dsr_verify(ctx, request_id, how):
    """Record that the requester's identity was verified (Art. 12(6))."""
    vern = open_from(ctx)
    subject_requests.verify(vern.store, actor(), request_id, how)
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("extend")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why two further months are needed.")
@click.option("--told-on", type=click.DateTime(["%Y-%m-%d"]), help="When the person was told of it.")
@click.pass_context
def dsr_extend(ctx, request_id, reason, told_on):
    """Extend by two further months (the person must be told within the first month)."""
    vern = open_from(ctx)
    subject_requests.extend(vern.store, actor(), request_id, reason, told_on.date() if told_on else None)
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("answer")
@click.argument("request_id", type=int)
@click.option("--at", "at", required=True, help="When it was answered (ISO 8601 with offset).")
@click.pass_context
def dsr_answer(ctx, request_id, at):
    """Record the answer."""
    vern = open_from(ctx)
    subject_requests.answer(vern.store, actor(), request_id, clock.parse_instant(at, "at"))
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("refuse")
@click.argument("request_id", type=int)
@click.option("--ground", required=True, help="The legal ground for refusing.")
@click.pass_context
def dsr_refuse(ctx, request_id, ground):
    """Refuse the request, with its legal ground."""
    vern = open_from(ctx)
    subject_requests.refuse(vern.store, actor(), request_id, ground)
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("search")
@click.argument("request_id", type=int)
@click.option("--system", "systems", required=True, multiple=True, help="A system searched (repeat for more).")
@click.pass_context
def dsr_search(ctx, request_id, systems):
    """Record the systems searched for the person."""
    vern = open_from(ctx)
    subject_requests.search(vern.store, actor(), request_id, list(systems))
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("erase")
@click.argument("request_id", type=int)
@click.option("--system", required=True, help="The system of the erasure task.")
@click.option("--outcome", required=True, type=click.Choice(subject_requests.OUTCOMES))
@click.option("--note", default="", help="The legal ground for keeping (required with kept), or how it was done.")
@click.pass_context
def dsr_erase(ctx, request_id, system, outcome, note):
    """Record one system's erasure task of an erasure request."""
    vern = open_from(ctx)
    subject_requests.erase(vern.store, actor(), request_id, system, outcome, note)
    print_json(_public(subject_requests.get(vern.store, request_id)))


@dsr_group.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only requests still open.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def dsr_list(ctx, open_only, as_json):
    """Requests by receipt, with due dates and days left (no requester)."""
    vern = open_from(ctx)
    rows = [_public(r) for r in subject_requests.listing(vern.store, open_only)]
    if as_json:
        return print_json(rows)
    for row in rows:
        due = subject_requests.due_in_force(row)
        left = "" if row["days_left"] is None else f"{row['days_left']} days left"
        click.echo(f"{row['id']:>4}  {row['kind']:<20} {row['status']:<12} due {due}  {left}")


@dsr_group.command("show")
@click.argument("request_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def dsr_show(ctx, request_id, as_json):
    """One request, the requester included (the adviser's view)."""
    vern = open_from(ctx)
    print_json(subject_requests.get(vern.store, request_id))


@dsr_group.command("remind")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def dsr_remind(ctx, as_json):
    """Send the advisers the reminders due now, by mail and chat (7 and 1 days before the due
    date, on the due day, the day after); each is sent once, by this command or the scheduler."""
    from audits.alerts import outbox  # imported here: httpx is for sending only

    vern = open_from(ctx)
    request_reminders.require_mail(vern.config)
    sent = request_reminders.queue_due(vern.store, vern.config, actor())
    # Now, not at `vern serve`'s next round (which tries again what fails).
    stuck = outbox.deliver(vern.store, vern.config) if sent else {}
    if as_json:
        print_json([{"request_id": s.request_id, "due_on": s.due_on.isoformat(), "days": s.days} for s in sent])
    else:
        for s in sent:
            click.echo(f"request {s.request_id}: {request_reminders.threshold_words(s.days)} reminder sent "
                       f"(due {s.due_on.isoformat()})")
        if not sent:
            click.echo("no reminders due")
    if stuck.get("retrying") or stuck.get("failed"):
        click.echo(t("alerts.not_through", vern.config.language, n=stuck["retrying"] + stuck["failed"]), err=True)


def register(cli: click.Group) -> None:
    cli.add_command(dsr_group)
