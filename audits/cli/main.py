"""The `vern` command line: everything done in the dashboard can also be scripted.

Exit status: 0 success, 1 a domain error (message on stderr), 2 bad usage.
`--json` prints JSON only on stdout.
"""

import gc
import logging
import sys
from datetime import date
from pathlib import Path

import click

from audits.access import directory
from audits.access import formats as access_formats
from audits.access import logs as access_logs
from audits.checking import findings, runner
from audits.cli import activities as cli_activities
from audits.cli import admin as cli_admin
from audits.cli import alerts as cli_alerts
from audits.cli import audit as cli_audit
from audits.cli import backup as cli_backup
from audits.cli import board as cli_board
from audits.cli import consent as cli_consent
from audits.cli import dsr as cli_requests
from audits.cli import organisation as cli_organisation
from audits.cli import report as cli_report
from audits.cli import retention as cli_retention
from audits.cli import review as cli_review
from audits.cli import sources as cli_sources
from audits.cli.support import VernGroup, actor, open_from, print_json
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, t
from audits.processors import register as processors
from audits.reporting import overview
from audits.runtime import database_path
from audits.training import register as training


@click.group(cls=VernGroup)
@click.option("--db", metavar="PATH", help=f"Database file (default: $VERN_DB, else {database_path()}).")
@click.option("--config", "config_path", metavar="PATH",
              help="Configuration TOML (default: $VERN_CONFIG, else vern.toml beside the database).")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar="VERN_LANG",
              help="Language of messages and errors (default: the configuration's, else nb).")
@click.pass_context
def cli(ctx, db, config_path, lang):
    """Vern: privacy-compliance audits and breach management."""
    ctx.obj = {"db": db, "config": config_path, "lang": lang}


@cli.command()
@click.pass_context
def init(ctx):
    """Create the database (or bring its schema up to date)."""
    vern = open_from(ctx)
    click.echo(f"{vern.store.path}: schema version {vern.store.schema_version()}")


@cli.command("demo")
@click.pass_context
def demo_command(ctx):
    """Load the deterministic demo data (refuses a database with real data)."""
    from audits.demo import loader as demo  # imported here: the demo loads pandas and openpyxl

    vern = open_from(ctx)
    loaded = demo.load(vern.store, vern.config, actor())
    click.echo(f"{vern.store.path}: demo data loaded ({loaded['processors']} processors, "
               f"{loaded['breaches']} breaches). "
               "Run `vern checks run` to evaluate them.\nDemo accounts (username / password):")
    for name, (_, password) in demo.USERS.items():
        click.echo(f"  {name:<8} {password}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default from configuration: 8501).")
@click.option("--address", help="Address to listen on (default from configuration: localhost).")
@click.pass_context
def serve(ctx, port, address):
    """Run the dashboard and the scheduled checks in one process."""
    from audits.serve import serve as run_server

    vern = open_from(ctx)
    run_server(vern, port or vern.config.port, address or vern.config.address)


# -- checks ---------------------------------------------------------------------
@cli.group()
def checks():
    """List and run the compliance checks."""


def _check_json(item: dict, lang: str) -> dict:
    last = item["last_run"]
    return {
        "id": item["id"],
        "title": item["title"](lang),
        "area": item["area"],
        "schedule": item["schedule"],
        "enabled": item["enabled"],
        "next_run": clock.iso_utc(item["next_run"]),
        "rules": [{"id": r.id, "severity": r.severity.value, "article": r.article} for r in item["rules"]],
        "last_run": None if last is None else {
            "id": last["id"], "status": last["status"], "trigger": last["trigger"],
            "started_at": clock.iso_utc(last["started_at"]),
            "finished_at": clock.iso_utc(last["finished_at"]),
            "evidence_rows": last["evidence_rows"], "findings": last["findings"],
            "error": last["error"],
        },
    }


@checks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def checks_list(ctx, as_json):
    """Every installed check with its schedule, last and next run."""
    vern = open_from(ctx)
    items = overview.checks_status(vern)
    if as_json:
        return print_json([_check_json(item, vern.config.language) for item in items])
    for item in items:
        last = item["last_run"]
        last_text = f"{last['status']} {clock.show(last['started_at'])}" if last else "never"
        next_text = clock.show(item["next_run"]) if item["next_run"] else "disabled"
        click.echo(f"{item['id']:<14} {item['schedule']:<14} last: {last_text:<28} "
                   f"next: {next_text}  {item['title'](vern.config.language)}")


@checks.command("run")
@click.argument("check_ids", nargs=-1, metavar="[CHECK]...")
@click.pass_context
def checks_run(ctx, check_ids):
    """Run checks now (all enabled ones when none is named)."""
    vern = open_from(ctx)
    unknown = [c for c in check_ids if c not in vern.checks]
    if unknown:
        raise VernError("cli.no_check", check=unknown[0], installed=", ".join(vern.checks))
    chosen = [vern.checks[c] for c in check_ids] or [
        c for c in vern.checks.values() if vern.config.check(c.id)["enabled"]]
    results = []
    with click.progressbar(chosen, label="Running checks", file=sys.stderr,
                           hidden=not sys.stderr.isatty(),
                           item_show_func=lambda c: c.id if c else "") as bar:
        for check in bar:
            results.append(runner.run(vern.store, vern.config, check, "cli", actor()))
    if any(r.status == "failed" for r in results):
        from audits.alerts import outbox  # imported here: httpx is for sending only

        outbox.deliver(vern.store, vern.config)  # the advisers told now; `vern serve` retries what fails
    for result in results:
        detail = (result.refusal.text(vern.config.language) if result.refusal else result.error
                  ) or f"{result.findings} findings from {result.evidence_rows} evidence rows"
        click.echo(f"{result.check_id}: {result.status}: {detail}")
    failed = [r.check_id for r in results if r.status != "succeeded"]
    if failed:
        raise VernError("cli.checks_failed", n=len(failed), checks=", ".join(failed))


# -- import ---------------------------------------------------------------------
@cli.group("import")
def import_group():
    """Import evidence files (each file lands whole or not at all)."""


@import_group.command("processors")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def import_processors(ctx, file):
    """Replace the processor register with FILE (CSV)."""
    vern = open_from(ctx)
    count = processors.import_register(vern.store, file, actor())
    click.echo(f"{file}: imported {count} processors")


def _import(kind: str, load):
    @import_group.command(kind)
    @click.argument("file", type=click.Path(path_type=Path))
    @click.pass_context
    def command(ctx, file):
        vern = open_from(ctx)
        click.echo(f"{file}: imported {load(vern.store, file, actor())} rows")
    command.help = f"Replace the {kind} register with FILE (CSV)."
    return command


for _kind, _load in (("people", directory.import_people), ("systems", directory.import_systems),
                     ("grants", directory.import_grants)):
    _import(_kind, _load)


@import_group.command("access-logs")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", required=True, type=click.Choice(access_formats.FORMATS),
              help="cloudtrail (JSON, gzipped or not, directory trees too), m365 (Purview audit "
                   "export CSV), gworkspace (Reports API activities JSON) or csv.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def import_access_logs(ctx, paths, fmt, as_json):
    """Add the events in PATH... (files or directories); events already stored are skipped."""
    vern = open_from(ctx)
    result = access_logs.import_files(vern.store, list(paths), fmt, actor())
    if as_json:
        print_json({"files": result.files, "events": result.events, "added": result.added,
                    "unknown_systems": list(result.unknown_systems)})
        return
    click.echo(f"{result.files} file(s): {result.events} events read, {result.added} new")
    if result.unknown_systems:
        click.echo("Not judged, the system list has no "
                   + ", ".join(result.unknown_systems), err=True)


@import_group.command("training")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", required=True, type=click.Choice(training.FORMATS),
              help="csv (email, course, completed_on[, score, expires_on]) or xapi (statements: "
                   "a JSON array or one per line).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def import_training(ctx, paths, fmt, as_json):
    """Add the training completions in PATH... (files or directories)."""
    vern = open_from(ctx)
    result = training.import_files(vern.store, list(paths), fmt, vern.config.check("training"), actor())
    if as_json:
        print_json({"files": result.files, "completions": result.completions, "added": result.added,
                    "not_counted": result.not_counted, "unknown_people": result.unknown_people,
                    "unknown_courses": list(result.unknown_courses)})
        return
    click.echo(f"{result.files} file(s): {result.completions} completions read, {result.added} new"
               + (f", {result.not_counted} statements that are no completion" if result.not_counted else ""))
    if result.unknown_people:
        click.echo(f"{result.unknown_people} person(s) not in the people directory", err=True)
    if result.unknown_courses:
        click.echo("Courses no one is required to take: " + ", ".join(result.unknown_courses), err=True)


# -- findings -------------------------------------------------------------------
@cli.group("findings")
def findings_group():
    """List findings and record decisions on them."""


@findings_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.option("--check", "check_id", help="Only this check's findings.")
@click.option("--status", type=click.Choice(findings.STATUSES), help="Only findings with this status.")
@click.pass_context
def findings_list(ctx, as_json, check_id, status):
    """Findings, most severe first."""
    vern = open_from(ctx)
    lang = vern.config.language
    rows = [findings.as_json(r, lang) for r in findings.listing(vern.store, check_id, status)]
    if as_json:
        return print_json(rows)
    for row in rows:
        click.echo(f"{row['fingerprint']}  {row['severity']:<8} {row['status']:<13} {row['message']}")
    click.echo(t("findings.count", lang, n=len(rows)), err=True)


@findings_group.command("set-status")
@click.argument("fingerprint")
@click.argument("status", type=click.Choice(findings.DECISIONS))
@click.option("--reason", default="", help="Why (required to accept a risk).")
@click.option("--review-on", type=click.DateTime(["%Y-%m-%d"]), help="Review the decision by this date.")
@click.pass_context
def findings_set_status(ctx, fingerprint, status, reason, review_on):
    """Acknowledge, resolve, accept the risk of, or reopen a finding."""
    vern = open_from(ctx)
    review: date | None = review_on.date() if review_on else None
    row = findings.set_status(vern.store, fingerprint, status, actor(), reason, review)
    print_json(findings.as_json(row, vern.config.language))


cli_admin.register(cli)
cli_activities.register(cli)
cli_retention.register(cli)
cli_consent.register(cli)
cli_report.register(cli)
cli_board.register(cli)
cli_audit.register(cli)
cli_review.register(cli)
cli_requests.register(cli)
cli_alerts.register(cli)
cli_sources.register(cli)
cli_organisation.register(cli)
cli_backup.register(cli)


def main() -> None:
    # Each command prints its own results; the runner's log lines are for `vern serve`.
    logging.getLogger("audits").setLevel(logging.ERROR)
    # The modules just imported live as long as the process: no garbage collection need look
    # at them again, nor the interpreter's at exit (0.05 s of every command, measured).
    gc.freeze()
    cli(prog_name="vern")
