"""The README's table of who sees which page is the sidebar each role really gets."""

import re

import pytest

from conftest import ROOT

ROLES = ("staff", "adviser", "board", "admin")


def readme_rows() -> list[list[str]]:
    """The rows of the table under "Roles and sign-in": section, page, a cell per role, note."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| section | page |"):].split("\n\n")[0].splitlines()[2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in table]


def readme_sidebar(role: str) -> list[str]:
    """What the README says `role` sees: each section's name, then its pages."""
    column = 2 + ROLES.index(role)
    shown = []
    for section, page, *cells in readme_rows():
        if cells[column - 2] == "✓":
            if section not in shown:
                shown.append(section)
            shown.append(page)
    return shown


def sidebar(at) -> list[str]:
    """The sidebar as drawn: section captions and page links, top to bottom (the language
    switch, the clock and the sign-out line are not navigation)."""
    found = []

    def walk(node) -> None:
        kind = type(node).__name__
        if kind == "PageLink":
            found.append(node.proto.label)
        elif kind == "Caption" and re.fullmatch(r"\*\*[^*]+\*\*", node.value):
            found.append(node.value.strip("*"))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.sidebar)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_the_readme_table_is_the_sidebar(dashboard, vern, role):
    at = dashboard(lang="en", roles=(role,))
    assert not at.exception
    assert sidebar(at) == readme_sidebar(role)


def test_the_table_reads_as_written():
    """Read by hand from the README: the adviser sees all but Users and keys; staff four pages."""
    assert readme_sidebar("staff") == ["Start", "My page", "Breaches and requests", "Report a breach",
                                       "My breaches", "Requests"]
    assert len(readme_rows()) == 23 and "Users and keys" not in readme_sidebar("adviser")
