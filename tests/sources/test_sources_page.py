"""The Kilder / Sources page (adviser and admin): each source's state and last error in full,
Pull now and Test connection; the admin sees which variable holds a secret, nobody its value."""

from datetime import timedelta

from test_sources_check import NOW, toml

from audits.core import trail
from audits.demo.providers.lrs import LRS, statement
from conftest import as_read, config_with, page_text

TOKEN = "lrs-token"  # the fake LRS's token: the value must never be shown


def test_without_sources_the_page_says_how_to_set_one_up(vern, dashboard):
    shown = page_text(dashboard("sources", "nb"))
    assert "Ingen kilder er satt opp. Legg til en `[sources.<navn>]`-tabell i vern.toml" in shown


def test_the_adviser_pulls_now_and_reads_the_providers_words_when_it_fails(vern, httpserver, monkeypatch,
                                                                            dashboard):
    monkeypatch.setenv("LRS_TOKEN", "wrong-token")
    lrs = LRS(httpserver, [statement(n, NOW - timedelta(hours=n)) for n in range(1, 4)], bearer=True)
    vern.config = config_with(vern, toml(lrs.endpoint))
    page = dashboard("sources", "nb")
    assert not page.exception, page.exception[0].stack_trace if page.exception else None
    shown = page_text(page)
    assert "ikke hentet ennå" in shown and "LRS_TOKEN" not in as_read(shown)  # the variable: the admin's business
    page.button(key="pull-lrs").click().run()
    assert [as_read(e.value) for e in page.error] == [
        'lrs: feilet – lrs svarte HTTP 401: {"error": "Unauthorized: bad credentials"}']
    page = dashboard("sources", "nb")  # drawn anew: the state and the error in full stay
    assert "feilet" in page_text(page)
    assert [as_read(e.value) for e in page.error] == ['lrs svarte HTTP 401: {"error": "Unauthorized: bad credentials"}']

    monkeypatch.setenv("LRS_TOKEN", TOKEN)
    page.button(key="test-lrs").click().run()
    assert [as_read(s.value) for s in page.success] == ["lrs: tilkoblingen virker"]
    page.button(key="pull-lrs").click().run()
    assert [as_read(s.value) for s in page.success] == ["lrs: 3 hendelser lest, 3 nye"]
    page = dashboard("sources", "nb")
    assert page.error == [] and len(page.get("plotly_chart")) == 1  # new events per day
    assert [e["actor"] for e in trail.listing(vern.store, action="source.pull")] == ["adviser", "adviser"]


def test_the_admin_sees_where_each_secret_is_read_from_never_its_value(vern, httpserver, monkeypatch, dashboard):
    monkeypatch.setenv("LRS_TOKEN", TOKEN)
    lrs = LRS(httpserver, [], bearer=True)
    vern.config = config_with(vern, toml(lrs.endpoint, "expires_on = 2027-03-01\n"))
    for lang, said, ends in (("nb", "leses fra miljøvariabelen LRS_TOKEN", "Hemmeligheten gjelder til,1. mar. 2027"),
                             ("en", "read from the environment variable LRS_TOKEN", "Secret valid until,2027-03-01")):
        page = dashboard("sources", lang, ("admin",))
        shown = as_read(page_text(page))
        assert not page.exception and said in shown and TOKEN not in shown
        assert ends in shown  # the admin's note of when it expires (a row of the facts table)
