"""`vern users`, `vern keys`, `vern trail` and `vern reidentify`: accounts, keys and the record."""

import sys

import click

from audits.accounts import users
from audits.cli.support import actor, open_from, print_json
from audits.core import clock, keys, pseudonyms, trail, trail_chain
from audits.core.errors import VernError
from audits.organisation import profile as organisation


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise VernError("cli.password_stdin", field="password")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group():
    """Sign-in accounts and their roles (staff, adviser, board, admin)."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(users.ROLES),
              help="A role; repeat for several.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--oidc-only", is_flag=True, help="No password: signs in through OpenID Connect only.")
@click.pass_context
def users_add(ctx, name, roles, password_stdin, oidc_only):
    """Create an account. A password has at least 12 characters and is not a commonly used
    one, nor contains the username or the association's name; a few unrelated words do well."""
    vern = open_from(ctx)
    password = None if oidc_only else _password(password_stdin)
    row = users.add(vern.store, actor(), name, roles, password, organisation.load(vern.store, vern.config)["name"])
    click.echo(f"user {row['username']} created with role(s) {', '.join(row['roles'])}")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.pass_context
def users_list(ctx, as_json):
    """Every account, its roles and state (never a password hash)."""
    rows = [{
        "username": r["username"], "roles": r["roles"], "disabled": r["disabled"],
        "locked_until": clock.iso_utc(r["locked_until"]), "local_password": r["local"],
        "created_at": clock.iso_utc(r["created_at"]), "last_sign_in": clock.iso_utc(r["last_sign_in"]),
    } for r in users.listing(open_from(ctx).store)]
    if as_json:
        return print_json(rows)
    for r in rows:
        state = "disabled" if r["disabled"] else ("locked" if r["locked_until"] else "active")
        click.echo(f"{r['username']:<24} {','.join(r['roles']):<24} {state}")


@users_group.command("disable")
@click.argument("name")
@click.pass_context
def users_disable(ctx, name):
    """Stop an account from signing in (its history stays)."""
    users.set_disabled(open_from(ctx).store, actor(), name, True)
    click.echo(f"user {name} disabled")


@users_group.command("enable")
@click.argument("name")
@click.pass_context
def users_enable(ctx, name):
    """Let a disabled account sign in again."""
    users.set_disabled(open_from(ctx).store, actor(), name, False)
    click.echo(f"user {name} enabled")


@users_group.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def users_set_password(ctx, name, password_stdin):
    """Set a new password (also lifts a lock)."""
    vern = open_from(ctx)
    users.set_password(vern.store, actor(), name, _password(password_stdin), organisation.load(vern.store, vern.config)["name"])
    click.echo(f"password of {name} changed")


@click.group("keys")
def keys_group():
    """The encryption and pseudonym keys (kept outside the database)."""


@keys_group.command("show")
@click.pass_context
def keys_show(ctx):
    """Where the keys are and their ids (never the keys)."""
    print_json(keys.describe(open_from(ctx).store))


@keys_group.command("rotate")
@click.pass_context
def keys_rotate(ctx):
    """Add a new key and re-encrypt everything under it, in one transaction."""
    click.echo(keys.rotate(open_from(ctx).store, actor()))


@keys_group.command("prune")
@click.pass_context
def keys_prune(ctx):
    """Remove old keys that no stored value uses any more."""
    removed = keys.prune(open_from(ctx).store, actor())
    click.echo(f"removed {', '.join(removed)}" if removed else "no unused keys")


@click.group("trail")
def trail_group():
    """The audit trail, chained under the trail key."""


@trail_group.command("verify")
@click.option("--head", "expected_head", help="A head hash recorded earlier (from a report): must still be there.")
@click.pass_context
def trail_verify(ctx, expected_head):
    """Check every entry under the trail key, and the head recorded outside the database;
    exit 1 naming each break, and where recording resumed after it."""
    store = open_from(ctx).store
    verdict = trail.examine(store, expected_head)
    if verdict.breaks:
        raise trail_chain.BrokenTrail(verdict)
    head = trail.signed_head(store)
    click.echo(f"{verdict.intact} entries intact; head {head['hash']} "
               f"(entry {head['seq']}, signature {head['signature'][:16]})")


@trail_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.option("--since", help="Only entries from this instant (ISO 8601 with offset) on.")
@click.option("--actor", "who", help="Only this actor's entries.")
@click.option("--action", help="Only this action (or family, e.g. 'users').")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1))
@click.pass_context
def trail_list(ctx, as_json, since, who, action, limit):
    """Entries, newest first."""
    since_at = clock.parse_instant(since, "--since") if since else None
    rows = trail.listing(open_from(ctx).store, since_at, who, action, limit)
    if as_json:
        return print_json(rows)
    for r in rows:
        click.echo(f"{r['seq']:>6} {r['at_utc']} {r['actor']:<20} {r['action']:<22} {r['object']}")


@click.command("reidentify")
@click.argument("pseudonym")
@click.option("--reason", required=True, help="Why this person must be identified (recorded).")
@click.pass_context
def reidentify(ctx, pseudonym, reason):
    """Show who is behind a pseudonym; the act is recorded in the audit trail."""
    click.echo(pseudonyms.reidentify(open_from(ctx).store, pseudonym, actor(), reason))


def register(cli: click.Group) -> None:
    from audits.cli.breach import breach_group

    for command in (users_group, keys_group, trail_group, reidentify, breach_group):
        cli.add_command(command)
