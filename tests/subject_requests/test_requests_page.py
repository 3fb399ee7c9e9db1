"""The data-subject request page through AppTest, on a fixed clock (Tuesday 2026-11-24 12:00
in Oslo): anyone logs a request and reads its due date (Art. 12(3), counted by Reg. 1182/71);
staff and the board see only what they logged, never the requester; the adviser works the
register, each step checked in the database and the audit trail."""

from datetime import date, time

import pytest

from audits.access import directory
from audits.core import trail
from audits.subject_requests import register as subject_requests
from conftest import as_read

KARI = "Kari Nordmann, Storgata 1, 0155 Oslo, 912 34 567"


def log(at, requester: str = KARI, kind: str | None = None, email: str = "", day: date | None = None,
        at_time: time | None = None, channel: str | None = None):
    """Fill the form (the received day and time default to now) and send it."""
    if day:
        at.date_input(key="dsr_day").set_value(day)
    if at_time:
        at.time_input(key="dsr_time").set_value(at_time)
    if kind:
        at.selectbox(key="dsr_kind").set_value(kind)
    if channel:
        at.selectbox(key="dsr_channel").set_value(channel)
    at.text_area(key="dsr_requester").input(requester)
    at.text_input(key="dsr_email").input(email)
    next(b for b in at.button if b.label in ("Log the request", "Registrer henvendelsen")).click().run()
    assert not at.exception, at.exception
    return at


def count(vern) -> int:
    return vern.store.value("SELECT count(*) FROM requests")


def shown(at) -> str:
    """Every text the page draws, tables included."""
    texts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "text", "success",
                                       "info", "error") for e in at.get(kind)]
    texts += [d.value.to_string() for d in at.dataframe] + [str(t.proto) for t in at.get("table")]
    return "\n".join(texts)



def press(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def labelled(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def test_staff_log_a_request_and_read_its_number_and_due_date(dashboard, vern):
    at = log(dashboard("requests", "en", roles=("staff",)))
    assert at.success[0].value == ("The request is logged as no. 1.  \n"
                                   "Due: Thursday 24 December 2026 (30 days left)")  # Christmas Eve is a working day
    assert "The privacy adviser will handle it" in at.info[0].value
    record = subject_requests.get(vern.store, 1)
    assert (record["kind"], record["channel"], record["requester"], record["logged_by"]) == (
        "access", "e-post", KARI, "staff")
    assert (record["received_at"], record["due_on"], record["status"]) == ("2026-11-24T11:00:00Z", "2026-12-24",
                                                                           "received")
    assert [(e["actor"], e["object"]) for e in trail.listing(vern.store, action="request.add")] == [("staff", "1")]
    assert at.text_area(key="dsr_requester").value == ""  # a fresh form for the next one


@pytest.mark.parametrize("day, at_time, due", [
    # 31 October + one month: November has no 31st, so its last day, a Monday.
    (date(2026, 10, 31), time(9, 15), "mandag 30. november 2026 (6 dager igjen)"),
    # 00:30 in Oslo is still 31 October in UTC: the Oslo day counts, 1 December.
    (date(2026, 11, 1), time(0, 30), "tirsdag 1. desember 2026 (7 dager igjen)"),
    # 28 February 2026 is a Saturday: the next working day, Monday 2 March.
    (date(2026, 1, 31), time(14, 0), "mandag 2. mars 2026 (267 dager over fristen)"),
    # 5 April 2026 is Easter Sunday and 6 April Easter Monday: Tuesday 7 April.
    (date(2026, 3, 5), time(10, 0), "tirsdag 7. april 2026 (231 dager over fristen)"),
])
def test_the_due_date_in_words(dashboard, vern, day, at_time, due):
    at = log(dashboard("requests", roles=("staff",)), day=day, at_time=at_time, kind="erasure", channel="brev")
    saved, due_line = at.success[0].value.split("  \n")
    assert saved == "Henvendelsen er registrert som nr. 1."
    assert due_line == f"Frist: {due}"


def next_to(at, key: str):
    """The element drawn right under the widget with `key` (blocks opened, top to bottom)."""
    def in_order(node) -> list:
        children = getattr(node, "children", None)
        return [node] if children is None else [leaf for n in sorted(children) for leaf in in_order(children[n])]
    elements = in_order(at.main)
    return elements[next(n for n, element in enumerate(elements) if getattr(element, "key", None) == key) + 1]


@pytest.mark.parametrize(("lang", "requester", "email", "future", "below"), [
    ("nb", "må fylles ut",
     "må fylles ut for en reservasjon mot markedsføring (adressen markedsføringen går til)",
     "ligger i fremtiden", "Ikke registrert ennå – rett feltene som er merket ovenfor, og send på nytt."),
    ("en", "required",
     "required for a marketing opt-out (the address the marketing goes to)",
     "lies in the future", "Not logged yet – fix the fields marked above and send again."),
])
def test_bad_input_shows_each_problem_under_its_field_and_writes_nothing(dashboard, vern, lang, requester, email,
                                                                        future, below):
    at = log(dashboard("requests", lang, roles=("staff",)), requester="  ", kind="marketing_opt_out")
    assert [as_read(e.value) for e in at.error] == [requester, email, below]
    assert as_read(next_to(at, "dsr_requester").value) == requester
    assert as_read(next_to(at, "dsr_email").value) == email
    assert not at.success
    assert count(vern) == 0
    assert vern.store.value("SELECT count(*) FROM consents") == 0

    log(at, at_time=time(23, 0))  # later today: not yet come
    assert [as_read(e.value) for e in at.error] == [future, email, below]  # still an opt-out without address
    assert as_read(next_to(at, "dsr_time").value) == future  # under the day and time
    assert at.text_area(key="dsr_requester").value == KARI  # a refused form keeps every word
    assert count(vern) == 0


def test_an_opt_out_with_its_address_withdraws_consent(dashboard, vern):
    at = log(dashboard("requests", "en", roles=("staff",)), requester="Per Hansen", kind="marketing_opt_out",
             email="per.hansen@example.org")
    assert at.success[0].value.startswith("The request is logged as no. 1.")
    assert vern.store.value("SELECT count(*) FROM consents WHERE origin = 'request'") == 1
    assert subject_requests.get(vern.store, 1)["person"].startswith("p-")


def test_staff_see_only_their_own_requests_and_never_the_requester(dashboard, demo_vern):
    at = log(dashboard("requests", "en", roles=("staff",)), kind="erasure")
    subject_requests.add(demo_vern.store, "someone-else", {"received_at": "2026-11-24T08:00:00+01:00", "kind": "access",
                                                   "channel": "brev", "requester": "Ola Nordmann"})
    at.run()
    mine = at.dataframe[0].value
    assert list(mine.columns) == ["#", "Kind", "Status", "Received", "Due"]
    assert mine.values.tolist() == [[9, "Erasure (Art. 17)", "received", "2026-11-24 12:00", "2026-12-24"]]
    page = shown(at)
    assert "Requests you logged" in page
    assert "Kari Nordmann" not in page and "Ola Nordmann" not in page and "Fjellstad" not in page
    # The adviser's parts are not drawn at all.
    assert "The register" not in page
    assert not at.toggle and not [s for s in at.selectbox if s.label == "Choose a request"]
    assert len(at.dataframe) == 1


def test_the_board_logs_a_request_and_sees_no_register(dashboard, demo_vern):
    at = dashboard("requests", roles=("board",))
    assert at.title[0].value == "Henvendelser fra de registrerte"
    assert "Du har ikke registrert noen henvendelser." in shown(at)
    log(at, kind="objection", channel="muntlig")
    assert subject_requests.get(demo_vern.store, 9)["logged_by"] == "board"
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 1
    assert "Registeret" not in shown(at) and KARI not in shown(at)


def test_the_adviser_sees_the_open_requests_most_urgent_first(dashboard, demo_vern):
    at = dashboard("requests", "en")
    table = at.dataframe[0].value
    assert list(table.columns) == ["#", "Kind", "Status", "Received", "Due", "Days left", "Channel"]
    assert table.values.tolist() == [
        [4, "Access (Art. 15)", "in progress", "2026-10-20 13:00", "⚠ 2026-11-20 – overdue", -4, "Phone"],  # summer time; overdue, marked
        [5, "Erasure (Art. 17)", "in progress", "2026-10-29 12:00", "2026-11-30", 6, "Email"],
        [7, "Objection (Art. 21)", "received", "2026-11-21 12:00", "2026-12-21", 27, "Email"],
        [6, "Restriction (Art. 18)", "received", "2026-11-04 12:00", "2027-02-04", 72, "Email"],  # extended
    ]
    assert labelled(at.selectbox, "Choose a request").options == [
        "#4 · Access (Art. 15) · due ⚠ 2026-11-20 – overdue", "#5 · Erasure (Art. 17) · due 2026-11-30",
        "#7 · Objection (Art. 21) · due 2026-12-21", "#6 · Restriction (Art. 18) · due 2027-02-04"]
    assert "Lars Dalsrud, 912 34 567" in [t.value for t in at.text]  # the requester, to the adviser only

    at.toggle[0].set_value(False).run()
    assert len(at.dataframe[0].value) == 8
    assert at.dataframe[0].value["Days left"].isna().sum() == 4  # answered: no clock


def test_the_adviser_verifies_searches_extends_and_answers(dashboard, vern):
    subject_requests.add(vern.store, "staff", {"received_at": "2026-11-10T09:00:00+01:00", "kind": "access",
                                       "channel": "e-post", "requester": KARI})
    directory.edit_systems(vern.store, [{"name": name, "holds_personal_data": "yes", "classification": "internal"}
                                        for name in ("Medlemsregister", "Regnskap")], "test")
    at = dashboard("requests", "en")
    assert at.subheader[-1].value == "#1 · Access (Art. 15) · due 2026-12-10 · received"
    assert [t.label for t in at.tabs] == ["Identity", "Systems searched", "Extend", "Answer", "Refuse"]

    labelled(at.text_input, "How was the identity verified?").input("BankID")
    labelled(at.date_input, "Verified on").set_value(date(2026, 11, 11))
    labelled(at.time_input, "Verified at (Oslo time)").set_value(time(10, 30))
    press(at, "Save the verification")
    assert at.success[0].value == "Saved for request #1."
    record = subject_requests.get(vern.store, 1)
    assert (record["status"], record["verified_how"], record["verified_at"]) == (
        "in_progress", "BankID", "2026-11-11T09:30:00Z")

    labelled(at.multiselect, "Systems searched for the person").set_value(["Medlemsregister", "Regnskap"])
    press(at, "Save the systems searched")
    assert subject_requests.get(vern.store, 1)["systems_searched"] == ["Medlemsregister", "Regnskap"]

    labelled(at.text_area, "Why are two further months needed?").input("Data in several chapters")
    labelled(at.date_input, "Person told of the extension").set_value(date(2026, 11, 20))
    press(at, "Extend by two months")
    record = subject_requests.get(vern.store, 1)
    # 10 November + three months = 10 February 2027, a Wednesday.
    assert (record["extended_due_on"], record["told_on"], record["extension_reason"]) == (
        "2027-02-10", "2026-11-20", "Data in several chapters")
    assert at.dataframe[0].value["Due"].tolist() == ["2027-02-10"]

    labelled(at.date_input, "Answered on").set_value(date(2026, 11, 23))
    labelled(at.time_input, "Answered at (Oslo time)").set_value(time(15, 0))
    press(at, "Record the answer")
    record = subject_requests.get(vern.store, 1)
    assert (record["status"], record["answered_at"]) == ("answered", "2026-11-23T14:00:00Z")
    assert [e["action"] for e in reversed(trail.listing(vern.store)) if e["action"].startswith("request.")] == [
        "request.add", "request.verify", "request.search", "request.extend", "request.answer"]
    assert all(e["actor"] == "adviser" for e in trail.listing(vern.store) if e["action"] in (
        "request.verify", "request.search", "request.extend", "request.answer"))
    assert at.info[-1].value == "No open requests."  # answered, it leaves the open list


def test_a_refused_step_shows_why_and_changes_nothing(dashboard, demo_vern):
    at = dashboard("requests", "en")
    press(at, "Save the verification")  # no "how"
    assert [as_read(e.value) for e in at.error] == ["how: say how the identity was verified"]
    assert subject_requests.get(demo_vern.store, 4)["verified_how"] == "Ringt tilbake på nummeret i medlemsregisteret"


def test_a_refused_step_reads_in_bokmal(dashboard, vern):
    """A step's form has no place per field: its refusal is shown with the form, in the reader's language."""
    subject_requests.add(vern.store, "test", {"received_at": "2026-11-23T10:00:00+01:00", "kind": "access",
                                              "channel": "e-post", "requester": KARI})
    at = press(dashboard("requests", "nb"), "Lagre bekreftelsen")  # no "how"
    assert [as_read(e.value) for e in at.error] == ["how: si hvordan identiteten ble bekreftet"]
    assert subject_requests.get(vern.store, 1)["verified_at"] is None


def test_an_erasure_is_answered_only_when_each_task_has_its_outcome(dashboard, demo_vern):
    at = dashboard("requests", "en")
    labelled(at.selectbox, "Choose a request").set_value(5).run()
    assert "Erasure" in [t.label for t in at.tabs]
    open_tasks = ["Arrangementer (Google Drive)", "Medlemsdata (AWS S3)", "Personvernpostkasse"]
    assert "Erasure tasks are still open: record each system's outcome first." in [c.value for c in at.caption]
    press(at, "Record the answer")
    assert "erasure tasks still open: Arrangementer (Google Drive)" in as_read(at.error[0].value)
    assert subject_requests.get(demo_vern.store, 5)["status"] == "in_progress"

    form = "dsr-5-erase-Arrangementer (Google Drive)"
    at.selectbox(key=f"{form}-outcome").set_value("kept")
    at.button(key=f"FormSubmitter:{form}-Save the outcome").click().run()
    assert "keeping the data needs its legal ground" in at.error[0].value
    at.text_input(key=f"{form}-note").input("Regnskapsbilag: bokføringsloven § 13")
    at.button(key=f"FormSubmitter:{form}-Save the outcome").click().run()
    for system in open_tasks[1:]:
        form = f"dsr-5-erase-{system}"
        at.selectbox(key=f"{form}-outcome").set_value("erased" if "AWS" in system else "nothing_found")
        at.button(key=f"FormSubmitter:{form}-Save the outcome").click().run()
        assert not at.error, [e.value for e in at.error]
    tasks = {t["system"]: (t["outcome"], t["note"], t["done_by"]) for t in subject_requests.get(demo_vern.store, 5)[
        "erasure_tasks"]}
    assert tasks == {
        "Arrangementer (Google Drive)": ("kept", "Regnskapsbilag: bokføringsloven § 13", "adviser"),
        "Medlemsdata (AWS S3)": ("erased", None, "adviser"),
        "Medlemsregister (SharePoint)": ("erased", "Slettet i medlemsregisteret", "test"),
        "Personvernpostkasse": ("nothing_found", None, "adviser"),
        "SuperOffice CRM": ("kept", "Gavekvitteringer: bokføringsloven § 13 (5 år)", "test"),
    }
    assert "Every system has its outcome: the request can be answered." in [s.value for s in at.success]
    tasks_table = at.dataframe[1].value
    assert tasks_table["Outcome"].tolist() == ["kept (with its ground)", "erased", "erased", "nothing found",
                                               "kept (with its ground)"]

    press(at, "Record the answer")
    assert subject_requests.get(demo_vern.store, 5)["status"] == "answered"
    assert [e["details"]["outcome"] for e in trail.listing(demo_vern.store, action="request.erase")
            if e["actor"] == "adviser"] == ["nothing_found", "erased", "kept"]  # newest first


def test_the_adviser_refuses_with_its_ground(dashboard, demo_vern):
    at = dashboard("requests", "en")
    labelled(at.selectbox, "Choose a request").set_value(7).run()
    press(at, "Refuse the request")
    assert "a refusal needs its legal ground" in at.error[0].value
    assert subject_requests.get(demo_vern.store, 7)["status"] == "received"
    labelled(at.text_area, "Ground for the refusal").input("Manifestly unfounded: the fifth identical request")
    press(at, "Refuse the request")
    record = subject_requests.get(demo_vern.store, 7)
    assert (record["status"], record["refusal_ground"], record["answered_at"]) == (
        "refused", "Manifestly unfounded: the fifth identical request", "2026-11-24T11:00:00Z")
    assert trail.listing(demo_vern.store, action="request.refuse")[0]["actor"] == "adviser"


def test_a_closed_request_shows_its_details_without_actions(dashboard, demo_vern):
    at = dashboard("requests", "en")
    at.toggle[0].set_value(False).run()
    labelled(at.selectbox, "Choose a request").set_value(3).run()
    assert not at.tabs and [b.label for b in at.button] == ["Log the request", "Sign out"]  # no step left
    assert "The request is closed." in [c.value for c in at.caption]
    assert "Ingrid Nesheim" in [t.value for t in at.text]
    facts = {k: as_read(v) for k, v in at.table[0].value[" "].items()}  # escaped: st.table renders Markdown
    assert (facts["Identity verified"], facts["Extended due date"], facts["Person told of the extension"],
            facts["Answered"]) == ("2026-08-18 13:00: BankID", "2026-11-16", "2026-09-05", "2026-10-10 13:00")
