"""Every page, every role, both languages: a person reads names in their language, never the
machine's words (ids, None, raw Markdown, UTC, seconds, Streamlit's English).

The pages are rendered through Streamlit's AppTest on the demo; what the browser alone draws
(placeholders, Streamlit's own widget words) and where it connects are in test_browser_words.py.
"""


import pytest
from words_on_screen import leaks, shown

from audits.accounts import page_roles

ROLES = ("staff", "adviser", "board", "admin")


@pytest.mark.long
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_plainly(dashboard, demo_vern, role):
    found = []
    for lang in ("nb", "en"):
        for page in page_roles.pages_for((role,)):
            at = dashboard(page, lang, (role,))
            assert not at.exception, (page, lang, at.exception)
            found += [(page, lang, why, text[:120]) for why, text in leaks(shown(at), lang)]
    assert found == []


def test_the_leak_finder_sees_what_the_issue_saw():
    """The finder itself, on the words the issue quoted: each is caught, and the same facts in
    plain words are not."""
    machine = ["4.00 very_high", "authority Altinn 2026/4711", "finding:c970961e0a1b2c3d", "access_untrained",
               "accessibility_need", "privacy_shield", "None", "**ja**", "2026-11-24 11:00:00.123456+00:00",
               "Choose options"]
    assert [text for text in machine if leaks([text], "nb")] == machine
    plain = ["4,00 (svært høy)", "Datatilsynet · Altinn 2026/4711", "Tilgang uten opplæring",
             "tilretteleggingsbehov", "Privacy Shield (ugyldig siden 2020)", "—", "ja", "24. nov. 2026 kl. 12.00",
             "Velg", "p-0123456789abcdef"]
    assert leaks(plain, "nb") == []


def test_a_decided_breach_says_decided(dashboard, demo_vern):
    """The demo's breach 2 is assessed and decided (notify Datatilsynet), not yet notified: its
    status reads "besluttet", not "vurdert"; breach 1 is logged only ("ny")."""
    at = dashboard("breaches", "nb")
    table = at.dataframe[0].value.set_index("#")
    assert (table.loc[2, "Status"], table.loc[1, "Status"]) == ("besluttet", "ny")
