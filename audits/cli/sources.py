"""`vern sources ...`: the sources Vern pulls evidence from, by hand."""

import click

from audits.cli.support import actor, language, open_from, print_json
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import t


@click.group("sources")
def sources_group():
    """The sources Vern pulls evidence from itself ([sources.<name>] in vern.toml)."""


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def sources_list(ctx, as_json):
    """Each source: its state, last pull, last good pull and cursors."""
    from audits.sources import pulling

    vern = open_from(ctx)
    states = pulling.states(vern.store, vern.config.sources)
    if as_json:
        print_json([{**state, "cursors": [{"stream": c["stream"], "position": c["position"],
                                          "updated_at": clock.iso_utc(c["updated_at"])} for c in state["cursors"]],
                     **{key: clock.iso_utc(state[key]) if state[key] else None
                        for key in ("last_pull_at", "first_pull_at", "last_success_at", "last_new_at")}} for state in states])
        return
    lang = language(ctx)
    if not states:
        click.echo(t("sources.none", lang))
    for state in states:
        when = clock.show(state["last_pull_at"], lang) if state["last_pull_at"] else t("sources.never", lang)
        good = clock.show(state["last_success_at"], lang) if state["last_success_at"] else t("sources.never", lang)
        click.echo(f"{state['name']} ({state['kind']}): {t('sources.state.' + state['state'], lang)}; "
                   f"{t('sources.list.last', lang, at=when)}; {t('sources.list.good', lang, at=good)}")
        for cursor in state["cursors"]:
            click.echo(f"  {cursor['stream']}: {cursor['position']}")
        if state["problem"]:
            click.echo(f"  {state['problem'][lang]}")


@sources_group.command("pull")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def sources_pull(ctx, name, as_json):
    """Pull every source now, or the one named; exit 1 if any failed."""
    from audits.sources import pulling

    vern = open_from(ctx)
    chosen = pulling.chosen(vern.config, name)
    results = [pulling.pull(vern.store, vern.config, source, actor()) for source in chosen]
    lang = language(ctx)
    if as_json:
        print_json([{"source": r.source, "read": r.read, "new": r.new, "ok": r.problem is None,
                     "problem": r.problem} for r in results])
    else:
        for source, r in zip(chosen, results, strict=True):
            click.echo(t(f"sources.pulled.{pulling.counted(source)}", lang, source=r.source, read=r.read, new=r.new))
            if r.problem:
                click.echo(t("sources.pull_failed", lang, source=r.source, problem=r.problem))
    failed = sum(1 for r in results if r.problem)
    if failed:
        raise VernError("sources.failed_some", n=failed)


@sources_group.command("test")
@click.argument("name", required=False)
@click.pass_context
def sources_test(ctx, name):
    """Check the connection to every source, or the one named; exit 1 if any failed."""
    from audits.sources import pulling

    vern = open_from(ctx)
    lang = language(ctx)
    failed = 0
    for source in pulling.chosen(vern.config, name):
        problem = pulling.test(vern.config, source)
        failed += problem is not None
        click.echo(t("sources.test_ok", lang, source=source.name) if problem is None
                   else t("sources.pull_failed", lang, source=source.name, problem=problem))
    if failed:
        raise VernError("sources.failed_some", n=failed)


def register(cli: click.Group) -> None:
    cli.add_command(sources_group)
