"""An area whose evidence comes from a source that failed or went quiet is "not verified" on
the board (page, PDF, narrative) and the overview: never a clean score over stale evidence.
The training check judges completions pulled from the learning platform (`sources = ("xapi",)`)."""

import io
from datetime import timedelta

import pypdf
from test_sources_check import NOW, pull, toml

from audits.demo.providers.lrs import LRS, USER, statement
from audits.reporting import board, board_pdf
from conftest import config_with, page_text


def training(vern) -> dict:
    return {a["area"]: a for a in board.summary(vern)["areas"]}["training"]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_failed_source_leaves_its_area_not_verified_until_a_pull_brings_news(vern, httpserver, monkeypatch,
                                                                                dashboard):
    assert training(vern)["verified"] is True  # no source configured: the imported files are the evidence
    monkeypatch.setenv("LRS_TOKEN", USER)  # not the LRS's token: the pull is refused
    lrs = LRS(httpserver, [statement(1, NOW - timedelta(hours=1))], bearer=True)
    vern.config = config_with(vern, toml(lrs.endpoint))
    assert pull(vern, vern.config).problem

    data = board.summary(vern)
    shown = {a["area"]: a for a in data["areas"]}
    assert (shown["training"]["verified"], shown["training"]["unverified_sources"]) == (False, ["lrs"])
    assert all(a["verified"] for name, a in shown.items() if name != "training")
    assert board.narrative(data, "nb")[0] == (
        "Ikke verifisert: Opplæring. Kilden Vern henter bevisene fra har feilet eller ikke gitt noe nytt, "
        "så området får ingen poengsum før den leverer igjen.")
    assert "Opplæring ikke verifisert" in pdf_text(board_pdf.pdf_bytes(data, "nb"))
    assert "Training not verified" in pdf_text(board_pdf.pdf_bytes(data, "en"))

    page = dashboard("board", "nb", ("board",))
    assert not page.exception
    assert [m.value for m in page.metric if m.label == "Opplæring"] == ["ikke verifisert"]
    overview = page_text(dashboard("overview", "en", ("admin",)))
    assert "Not verified: Training (source: lrs)." in overview

    monkeypatch.setenv("LRS_TOKEN", "lrs-token")
    assert pull(vern, vern.config).new == 1
    assert training(vern)["verified"] is True
    assert "Not verified" not in page_text(dashboard("overview", "en", ("admin",)))


def test_a_source_quiet_beyond_its_quiet_time_leaves_the_area_not_verified(vern, httpserver, monkeypatch):
    from audits.core import clock

    monkeypatch.setenv("LRS_TOKEN", "lrs-token")
    lrs = LRS(httpserver, [statement(1, NOW - timedelta(hours=1))], bearer=True)
    vern.config = config_with(vern, toml(lrs.endpoint, "quiet_hours = 48\n"))
    assert pull(vern, vern.config).new == 1
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(hours=47)))
    assert training(vern)["verified"] is True
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(hours=49)))
    assert training(vern)["verified"] is False
    data = board.summary(vern)
    assert board.weakest(data)["area"] != "training"  # the weakest of the areas that are verified
