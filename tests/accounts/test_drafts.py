"""Drafts of the breach report and the request form (audits.accounts.drafts and
dashboard/draft_ui.py): encrypted at rest, their author's alone, restored in a new session
(a reload, a new sign-in) until saved, discarded, or the author signs out. Pages through
Streamlit's AppTest on a fixed clock (12:00 Oslo time); the browser proves the reload in
tests/dashboard/test_browser_reload.py."""

from datetime import date, time

from audits.accounts import drafts
from audits.breaches import register as breaches
from audits.core import clock
from audits.subject_requests import register as subject_requests

NOW = clock.parse_instant("2026-11-24T12:00:00+01:00")
TITLE = "Minnepinne med medlemslisten mistet på toget"


def test_a_draft_is_encrypted_and_its_authors_alone(vern):
    drafts.keep(vern.store, "kari", "breach", {"report_title": TITLE, "report_people": 12}, NOW)
    drafts.keep(vern.store, "ola", "breach", {"report_title": "Ola's"}, NOW)
    assert drafts.get(vern.store, "kari", "breach") == {
        "content": {"report_title": TITLE, "report_people": 12}, "saved_at": NOW}
    assert drafts.get(vern.store, "kari", "request") is None
    assert drafts.get(vern.store, "per", "breach") is None
    content = vern.store.value("SELECT content FROM drafts WHERE author = 'kari'")
    assert content.startswith("enc1:") and "Minnepinne" not in content
    drafts.discard(vern.store, "kari", "breach")
    assert drafts.get(vern.store, "kari", "breach") is None
    assert drafts.get(vern.store, "ola", "breach") is not None


def test_signing_out_on_purpose_discards_all_the_authors_drafts(vern):
    for form in ("breach", "request"):
        drafts.keep(vern.store, "kari", form, {"x": form}, NOW)
    drafts.keep(vern.store, "ola", "breach", {"x": "ola"}, NOW)
    drafts.discard_all(vern.store, "kari")
    assert vern.store.rows("SELECT author, form FROM drafts") == [{"author": "ola", "form": "breach"}]


def half_a_report(dashboard):
    at = dashboard("report", "nb", roles=("staff",))
    at.text_input(key="report_title").input(TITLE).run()  # a field left: the page reruns
    at.checkbox(key="report_seen").check().run()
    at.date_input(key="report_noticed_day").set_value(date(2026, 11, 23)).run()
    at.time_input(key="report_noticed_time").set_value(time(21, 15)).run()
    return at


def test_a_new_session_finds_the_report_as_it_was_left(dashboard, vern):
    at = half_a_report(dashboard)
    assert "Utkast lagret kl. 12.00" in [c.value for c in at.caption]
    again = dashboard("report", "nb", roles=("staff",))  # a reload: a new session, the same person
    assert again.text_input(key="report_title").value == TITLE
    assert again.checkbox(key="report_seen").value is True
    assert again.date_input(key="report_noticed_day").value == date(2026, 11, 23)
    assert again.time_input(key="report_noticed_time").value == time(21, 15)
    assert "Utkast lagret kl. 12.00" in [c.value for c in again.caption]
    other = dashboard("report", "nb", roles=("adviser",))
    assert other.text_input(key="report_title").value == ""  # not another's draft


def test_a_saved_report_leaves_no_draft(dashboard, vern):
    at = half_a_report(dashboard)
    at.button[0].click().run()
    assert not at.exception and at.success  # saved
    assert [b["title"] for b in breaches.listing(vern.store)] == [TITLE]
    assert drafts.get(vern.store, "staff", "breach") is None
    assert at.text_input(key="report_title").value == ""
    assert not [c for c in at.caption if c.value.startswith("Utkast lagret")]


def test_discarding_the_draft_starts_the_form_afresh(dashboard, vern):
    at = half_a_report(dashboard)
    next(b for b in at.button if b.label == "Forkast utkast").click().run()
    assert not at.exception
    assert at.text_input(key="report_title").value == ""
    assert at.checkbox(key="report_seen").value is False
    assert at.date_input(key="report_noticed_day").value == date(2026, 11, 24)
    assert drafts.get(vern.store, "staff", "breach") is None
    assert not [b for b in at.button if b.label == "Forkast utkast"]


def test_signing_out_discards_the_draft_and_an_idle_end_keeps_it(dashboard, vern, monkeypatch):
    at = half_a_report(dashboard)
    monkeypatch.setenv("VERN_NOW", "2026-11-24T12:30:00+01:00")  # 30 minutes without a click
    at.run()
    assert "user" not in at.session_state and "report_title" not in at.session_state  # nothing left on screen
    assert drafts.get(vern.store, "staff", "breach") is not None  # for the next sign-in
    again = dashboard("report", "nb", roles=("staff",))
    assert again.text_input(key="report_title").value == TITLE
    next(b for b in again.sidebar.button if b.label == "Logg ut").click().run()
    assert drafts.get(vern.store, "staff", "breach") is None


def test_the_request_form_keeps_its_draft_until_saved(dashboard, vern):
    at = dashboard("requests", "nb", roles=("staff",))
    at.text_area(key="dsr_requester").input("Kari Nordmann, Storgata 1").run()
    at.selectbox(key="dsr_kind").set_value("erasure").run()
    at.date_input(key="dsr_day").set_value(date(2026, 11, 20)).run()
    again = dashboard("requests", "nb", roles=("staff",))
    assert again.text_area(key="dsr_requester").value == "Kari Nordmann, Storgata 1"
    assert again.selectbox(key="dsr_kind").value == "erasure"
    assert again.date_input(key="dsr_day").value == date(2026, 11, 20)
    next(b for b in again.button if b.label == "Registrer henvendelsen").click().run()
    assert not again.exception
    assert [r["kind"] for r in subject_requests.listing(vern.store)] == ["erasure"]
    assert drafts.get(vern.store, "staff", "request") is None


def test_each_field_falls_back_on_the_forms_value_not_streamlits_default(dashboard):
    """Each widget of the kept forms carries the value it holds as its own default too. Without
    it, a browser that draws a widget before its value arrives (a quick hand, a busy server)
    shows the widget's default and sends it back: a restored draft lost its ticked box, and a
    date or time took Streamlit's 'now' on the server's clock, UTC: at 00.41 in Oslo a report
    was refused as noticed in the future (23.41 on today's date); at other hours it was
    noticed an hour early."""
    fresh = dashboard("report", "nb", roles=("staff",))
    half_a_report(dashboard)
    restored = dashboard("report", "nb", roles=("staff",))
    requests = dashboard("requests", "nb", roles=("staff",))
    assert fresh.time_input(key="report_noticed_time").value == time(12, 0)  # Oslo's clock
    assert restored.time_input(key="report_noticed_time").value == time(21, 15)
    assert restored.checkbox(key="report_seen").proto.default is True
    assert restored.text_input(key="report_title").proto.default == TITLE
    for at in (fresh, restored, requests):
        assert [d.proto.default for d in at.date_input] == [[d.value.isoformat()] for d in at.date_input]
        assert [t.proto.default for t in at.time_input] == [f"{t.value:%H:%M}" for t in at.time_input]
        assert [c.proto.default for c in at.checkbox] == [c.value for c in at.checkbox]
        assert [b.proto.default for b in at.selectbox] == [b.index for b in at.selectbox]
        assert [t.proto.default for t in (*at.text_input, *at.text_area)] == \
               [t.value for t in (*at.text_input, *at.text_area)]


def test_a_drafts_choice_no_longer_offered_becomes_the_first(dashboard, vern):
    """A kept request's channel that the form no longer offers (a draft from before a change)
    starts at the first channel, not a broken page."""
    at = dashboard("requests", "nb", roles=("staff",))
    at.selectbox(key="dsr_channel").set_value("brev").run()
    drafts.keep(vern.store, "staff", "request", {**drafts.get(vern.store, "staff", "request")["content"],
                                                  "dsr_channel": "brevdue"}, NOW)
    again = dashboard("requests", "nb", roles=("staff",))
    assert not again.exception
    assert again.selectbox(key="dsr_channel").value == "e-post"
