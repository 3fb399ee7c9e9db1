"""The board's compliance summary (issue 8): the numbers on the demo and on small
histories with a fixed clock, data-subject requests answered on time (issue 9) at their
edges, the page for the board and the adviser, the PDF read back in both languages,
`vern report board`, and a planted personal-data marker that must reach neither the page
nor the PDF."""

import io
import json
from datetime import date

import pypdf
import pytest
import vern_process

from audits.breaches import register as breaches
from audits.checking import findings, registry, runner
from audits.core import clock, trail
from audits.reporting import board, board_pdf
from audits.subject_requests import register as subject_requests
from conftest import VERN, page_text

MARKER = "PERSONAL-DATA-MARKER-7731"
# The demo configures no source: the sources check is out of use, and its area is not shown.
AREAS = ["processors", "access", "training", "retention", "activities", "consent", "requests", "backups", "trail", "breaches"]


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# -- the numbers ----------------------------------------------------------------------
def test_the_score_is_100_minus_the_weights_never_below_zero():
    assert board.score({"high": 5, "medium": 1}, board.WEIGHTS) == 46
    assert board.score({"critical": 3, "high": 3}, board.WEIGHTS) == 0
    assert board.score({}, board.WEIGHTS) == 100
    assert board.score({"overdue": 1, "awaiting": 2, "open": 1}, board.BREACH_WEIGHTS) == 66


def test_the_demo_summary(demo_vern):
    data = board.summary(demo_vern)
    assert data["as_of"] == "2026-11-24T11:00:00Z" and data["today"] == "2026-11-24"
    scores = {a["area"]: a["score"] for a in data["areas"]}
    # processors: 5 high, 1 medium; access: 4 high, 3 medium, 1 low; training: 5 high, 3 medium,
    # 1 low; retention: 2 high, 1 medium; activities: 6 high, 2 medium, 1 low; consent: 3 high
    # (the Christmas campaign also reached the person who opted out by request); requests:
    # 1 high (#4 overdue), 3 medium (#2 answered unverified, #5 due in 6 days, #6 extension not
    # told) — as `vern findings list --json` shows after `vern demo` and `vern checks run`;
    # breaches: one past its deadline, two awaiting notification, one notified and still open.
    assert scores == {"processors": 46, "access": 47, "training": 37, "retention": 76, "activities": 31,
                      "consent": 70, "requests": 78, "backups": 100, "trail": 100,
                      "breaches": 66}  # the audit trail holds; the demo's nightly backups are current
    assert list(scores) == AREAS
    assert data["areas"][-1]["open"] == {"overdue": 1, "late": 0, "awaiting": 2, "open": 1}
    assert [p["month"] for p in data["trend"]] == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert data["trend"][-1]["scores"] == scores
    # Every check first ran today; the closed breach (noticed 2026-09-25, decided today) was
    # past its deadline with no decision at the end of September and October.
    assert all(s == 100 for p in data["trend"][:-1] for a, s in p["scores"].items() if a != "breaches")
    assert [p["scores"]["breaches"] for p in data["trend"][-4:]] == [100, 75, 75, 66]
    assert data["breaches"]["quarters"] == [
        {"quarter": "2026-Q3", "total": 1, "very_high": 0, "high": 0, "medium": 0, "low": 1, "unassessed": 0},
        {"quarter": "2026-Q4", "total": 4, "very_high": 1, "high": 0, "medium": 1, "low": 0, "unassessed": 2}]
    assert {k: data["breaches"][k] for k in ("open", "overdue", "awaiting", "notified_late")} == {
        "open": 4, "overdue": 1, "awaiting": 2, "notified_late": 0}
    # Owed to Datatilsynet: #3, notified in time, and #2, past its deadline (today 04:00) with none:
    # it counts against the share, as it counts as overdue beside it.
    assert {k: data["notified_within_72h"][k] for k in ("counted", "within", "late", "overdue", "share")} == {
        "counted": 2, "within": 1, "late": 0, "overdue": 1, "share": 0.5}
    assert {k: data["training"][k] for k in ("required", "covered", "share")} == {
        "required": 8, "covered": 4, "share": 0.5}
    assert data["agreements"] == {"total": 11, "in_order": 8, "share": 0.7273, "review_months": 12,
                                  "missing": 1, "expired": 1, "review_overdue": 1}
    assert data["retention"] == {"records": 212, "overdue": 17, "systems_overdue": 2, "categories_without_rule": 1}
    # By hand from `vern dsr list --json` (answered_at's Oslo date against the due date in force):
    # answered #1 2026-11-04 ≤ due 2026-11-16 (on time), #2 2026-11-14 > due 2026-11-05 (late),
    # #3 2026-10-10 ≤ extended due 2026-11-16 (on time), #8 2026-11-11 ≤ due 2026-12-10 (on time),
    # all in the fourth quarter of 2026; open #4 (due 2026-11-20: past due), #5 (due 2026-11-30),
    # #6 (extended to 2027-02-04), #7 (due 2026-12-21).
    assert data["requests"] == {"answered": 4, "on_time": 3, "late": 1, "share": 0.75,
                                "since": "2025-11-24T11:00:00Z", "open": 4, "overdue": 1,
                                "quarters": [{"quarter": "2026-Q4", "answered": 4, "on_time": 3}]}



def test_without_the_training_and_processors_checks_their_areas_and_figures_are_empty(demo_vern, dashboard,
                                                                                   monkeypatch):
    monkeypatch.setattr(demo_vern, "checks", {k: c for k, c in demo_vern.checks.items()
                                              if k not in ("training", "processors")})
    data = board.summary(demo_vern)
    assert [a["area"] for a in data["areas"]] == [a for a in AREAS if a not in ("training", "processors")]
    assert data["training"] == {"required": None, "covered": None, "share": None, "at": None, "trend": []}
    assert data["agreements"] == {"total": 0, "in_order": 0, "share": None, "review_months": None,
                                  "missing": 0, "expired": 0, "review_overdue": 0}
    assert "The training check has not run yet." in board.narrative(data, "en")
    at = dashboard("board", lang="en", roles=("board",))
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Training coverage"] == "—"

def _finding(tx, key: str, check: str, severity: str, status: str, events: list[tuple[str, str]]) -> None:
    tx.execute("INSERT INTO findings (fingerprint, check_id, rule, subject, severity, message_en, message_nb, "
               "status, first_seen, last_seen) VALUES (?, ?, 'r', ?, ?, '', '', ?, ?, ?)",
               [key, check, key, severity, status, events[0][0], events[-1][0]])
    for at, to_status in events:
        tx.execute("INSERT INTO finding_events (fingerprint, happened_at, actor, to_status) VALUES (?, ?, 'vern', ?)",
                   [key, at, to_status])


def test_the_trend_is_the_state_of_the_findings_at_each_month_end(vern):
    with vern.store.transaction() as tx:
        _finding(tx, "a", "processors", "high", "closed",
                 [("2026-06-10T08:00:00+02:00", "open"), ("2026-08-05T08:00:00+02:00", "closed")])
        _finding(tx, "b", "training", "medium", "resolved",
                 [("2026-07-01T08:00:00+02:00", "open"), ("2026-07-02T08:00:00+02:00", "acknowledged"),
                  ("2026-10-03T08:00:00+02:00", "resolved")])
        _finding(tx, "c", "access_logs", "critical", "open", [("2026-10-15T08:00:00+02:00", "open")])
        # Opened in the last hour of July, Oslo time (still July 31 UTC+2): counts for July.
        _finding(tx, "d", "consent", "low", "risk_accepted",
                 [("2026-07-31T23:30:00+02:00", "open"), ("2026-08-01T00:30:00+02:00", "risk_accepted")])
    trend = {p["month"]: p["scores"] for p in board.summary(vern)["trend"]}
    wanted = {"2026-05": {}, "2026-06": {"processors": 90}, "2026-07": {"processors": 90, "training": 96, "consent": 99},
              "2026-08": {"training": 96}, "2026-09": {"training": 96}, "2026-10": {"access": 75},
              "2026-11": {"access": 75}}
    for month, changed in wanted.items():
        assert trend[month] == {area: changed.get(area, 100) for area in AREAS}, month


def _add(vern, aware_at: str, **facts) -> int:
    return breaches.add(vern.store, vern.config, "adviser", {"title": "t", "aware_at": aware_at, **facts})


HIGH = {"dpc": 3, "ei": 1, "cb": {"confidentiality": 0, "integrity": 0, "availability": 0}}  # SE = 3


def test_breaches_per_quarter_within_72_hours_and_their_weight_over_time(vern):
    late = _add(vern, "2026-03-02T10:00:00+01:00")  # due 2026-03-05 10:00, notified a day after
    breaches.assess(vern.store, "adviser", late, HIGH)
    breaches.notify(vern.store, "adviser", late, "authority", clock.parse_instant("2026-03-06T10:00+01:00"),
                    "Altinn 1", delay_reason="waited for the supplier's report")
    in_time = _add(vern, "2026-05-01T10:00:00+02:00")
    breaches.notify(vern.store, "adviser", in_time, "authority",
                    clock.parse_instant("2026-05-04T10:00+02:00"), "Altinn 2")  # exactly 72 h: in time
    data = board.summary(vern)
    assert [(q["quarter"], q["total"], q["high"], q["unassessed"]) for q in data["breaches"]["quarters"]] == [
        ("2026-Q1", 1, 1, 0), ("2026-Q2", 1, 0, 1), ("2026-Q3", 0, 0, 0), ("2026-Q4", 0, 0, 0)]
    assert {k: data["notified_within_72h"][k] for k in ("counted", "within", "late", "overdue", "share")} == {
        "counted": 2, "within": 1, "late": 1, "overdue": 0, "share": 0.5}
    weight = {p["month"]: p["scores"]["breaches"] for p in data["trend"]}
    # February: none yet; from March the late one weighs 10; from May the other, notified and open, 1.
    assert [weight[m] for m in ("2026-02", "2026-03", "2026-04", "2026-05", "2026-11")] == [100, 90, 90, 89, 89]


def test_a_breach_past_its_deadline_without_notice_counts_against_the_72_hour_share(vern):
    """The two figures side by side agree: every breach "past the deadline, not notified" that
    owed Datatilsynet a notice is counted as not notified in time, whatever its age; a notified
    one counts when its deadline fell in the last 12 months; one that owed none does not count."""
    in_time = _add(vern, "2026-10-01T10:00:00+02:00")
    breaches.notify(vern.store, "adviser", in_time, "authority", clock.parse_instant("2026-10-02T10:00+02:00"), "A1")
    _add(vern, "2026-11-10T10:00:00+01:00")  # past its deadline, nothing decided: owes the notice
    _add(vern, "2025-06-01T10:00:00+02:00")  # past its deadline for 17 months: still owes it
    long_ago = _add(vern, "2025-03-01T10:00:00+01:00")  # notified in time, but before the 12 months
    breaches.notify(vern.store, "adviser", long_ago, "authority", clock.parse_instant("2025-03-02T10:00+01:00"), "A0")
    not_owed = _add(vern, "2026-11-01T10:00:00+01:00")
    breaches.assess(vern.store, "adviser", not_owed, {"dpc": 1, "ei": 0.25, "cb": {
        "confidentiality": 0, "integrity": 0, "availability": 0}})
    breaches.decide(vern.store, "adviser", not_owed, False, False)  # decided: unlikely to result in a risk
    _add(vern, "2026-11-23T10:00:00+01:00")  # its deadline is still to come: not yet counted
    data = board.summary(vern)
    assert data["breaches"]["overdue"] == 2
    assert {k: data["notified_within_72h"][k] for k in ("counted", "within", "late", "overdue", "share")} == {
        "counted": 3, "within": 1, "late": 0, "overdue": 2, "share": 0.3333}


def test_the_narrative_names_the_weakest_area_in_both_languages(demo_vern):
    data = board.summary(demo_vern)
    nb, en = board.narrative(data, "nb"), board.narrative(data, "en")
    assert nb[0] == "Svakeste område er Behandlingsaktiviteter og risiko, med 31 av 100 poeng."
    assert en[0] == "The weakest area is Processing activities and risk, at 31 of 100 points."
    assert "Breaches logged this quarter: 4, of which 1 of high or very high severity." in en
    assert ("Notified to Datatilsynet within 72 hours, of the breaches with a notification deadline in the last "
            "12 months: 1 of 2 (50%).") in en
    assert "Opplæringsdekning: 50 % (4 av 8 som trenger opplæring)." in nb
    assert "Processor agreements in order (signed, current and reviewed): 8 of 11." in en
    assert "Poster lagret lenger enn lagringstiden: 17, i 2 systemer." in nb
    assert "Records kept past their retention: 17, in 2 systems." in en
    assert en[-3:] == ["Data-subject requests answered on time in the last 12 months: 3 of 4 (75%).",
                       "Requests open now: 4, of which 1 past the deadline.",
                       "Backups are current: the last was taken on 2026-11-24, and one was last verified by a "
                       "test restore on 2026-11-24."]
    assert nb[-3:] == ["Henvendelser fra de registrerte besvart innen fristen de siste 12 månedene: 3 av 4 (75 %).",
                       "Åpne henvendelser nå: 4, herav 1 over fristen.",
                       "Sikkerhetskopiene er à jour: den siste ble tatt 24. nov. 2026, og en ble sist kontrollert "
                       "ved prøvegjenoppretting 24. nov. 2026."]


# -- data-subject requests (Art. 12(3)-(4)) ------------------------------------------
def _request(vern, received_at: str, kind: str = "access") -> int:
    return subject_requests.add(vern.store, "adviser", {"received_at": received_at, "kind": kind, "channel": "e-post",
                                                "requester": MARKER})


def _answered(vern, received_at: str, answered_at: str) -> int:
    request = _request(vern, received_at)
    subject_requests.answer(vern.store, "adviser", request, clock.parse_instant(answered_at))
    return request


def test_requests_answered_on_time_at_the_edges(vern):
    """Today is 2026-11-24 (Oslo); the last 12 months begin 2025-11-24 12:00 Oslo time."""
    assert board.summary(vern)["requests"] == {
        "answered": 0, "on_time": 0, "late": 0, "share": None, "since": "2025-11-24T11:00:00Z", "open": 0,
        "overdue": 0, "quarters": [{"quarter": "2026-Q4", "answered": 0, "on_time": 0}]}
    # Received 2026-09-01, due 2026-10-01: answered late on the due date (Oslo) is on time;
    # half an hour after midnight Oslo time is the next day, and late, though still 1 October in UTC.
    on_the_day = _answered(vern, "2026-09-01T10:00:00+02:00", "2026-10-01T23:30:00+02:00")
    _answered(vern, "2026-09-01T10:00:00+02:00", "2026-10-02T00:30:00+02:00")
    assert subject_requests.get(vern.store, on_the_day)["due_on"] == "2026-10-01"
    # Due 2026-08-03 (1 August is a Saturday), extended to 2026-10-01 and told in time:
    # answered 2026-09-15, on time within the extension.
    extended = _request(vern, "2026-07-01T10:00:00+02:00")
    subject_requests.extend(vern.store, "adviser", extended, "three systems to search", date(2026, 7, 20))
    subject_requests.answer(vern.store, "adviser", extended, clock.parse_instant("2026-09-15T10:00:00+02:00"))
    assert subject_requests.get(vern.store, extended)["extended_due_on"] == "2026-10-01"
    # A refusal is an answer (Art. 12(4)): due 2026-09-03, refused a week late.
    refused = _request(vern, "2026-08-03T10:00:00+02:00")
    subject_requests.refuse(vern.store, "adviser", refused, "manifestly unfounded",
                    clock.parse_instant("2026-09-10T10:00:00+02:00"))
    # Answered 13 months ago: outside the 12 months; a day inside them: in.
    _answered(vern, "2025-10-01T10:00:00+02:00", "2025-10-24T12:00:00+02:00")
    _answered(vern, "2025-11-03T10:00:00+01:00", "2025-11-25T10:00:00+01:00")
    # Open: due 2026-11-02 (past due); due today (not yet past); due 2026-10-12, extended to 2026-12-10.
    past_due = _request(vern, "2026-10-01T10:00:00+02:00")
    due_today = _request(vern, "2026-10-24T10:00:00+02:00")
    still_extended = _request(vern, "2026-09-10T10:00:00+02:00")
    subject_requests.extend(vern.store, "adviser", still_extended, "a large archive", date(2026, 9, 20))
    assert [subject_requests.get(vern.store, r)["days_left"] for r in (past_due, due_today, still_extended)] == [-22, 0, 16]

    figures = board.summary(vern)["requests"]
    assert {k: figures[k] for k in ("answered", "on_time", "late", "share", "open", "overdue")} == {
        "answered": 5, "on_time": 3, "late": 2, "share": 0.6, "open": 3, "overdue": 1}
    # Per Oslo quarter of the answer, whole quarters (the one 13 months ago too), from the first with one.
    assert figures["quarters"] == [
        {"quarter": "2025-Q4", "answered": 2, "on_time": 2}, {"quarter": "2026-Q1", "answered": 0, "on_time": 0},
        {"quarter": "2026-Q2", "answered": 0, "on_time": 0}, {"quarter": "2026-Q3", "answered": 2, "on_time": 1},
        {"quarter": "2026-Q4", "answered": 2, "on_time": 1}]
    assert MARKER not in json.dumps(board.summary(vern))  # the requester is never read: counts only
    text = pdf_text(board_pdf.pdf_bytes(board.summary(vern), "en"))
    assert "Answered on time (12 months) 60% (3/5)" in text
    assert "Open past the deadline 1" in text
    assert "Per quarter: Q4 2025: 2 of 2 on time; Q1 2026: 0 of 0 on time" in text
    assert "Data-subject requests answered on time in the last 12 months: 3 of 5 (60%)." in text



def test_training_coverage_as_of_an_instant_counts_the_runs_up_to_it(vern):
    """The training check's snapshots (counts by kind and district), summed per run."""
    october, november = "2026-10-10T10:00:00+02:00", "2026-11-20T10:00:00+01:00"
    with vern.store.transaction() as tx:
        tx.execute("INSERT INTO training_coverage VALUES (?, 'employee', '', 4, 2), (?, 'volunteer', '', 4, 1), "
                   "(?, 'employee', '', 4, 4)", [october, october, november])
    earlier = board.summary(vern, clock.parse_instant("2026-10-31T12:00:00+01:00"))["training"]
    assert earlier == {"required": 8, "covered": 3, "share": 0.375, "at": "2026-10-10T08:00:00Z",
                       "trend": [{"month": "2026-10", "share": 0.375}]}
    assert board.summary(vern)["training"] == {
        "required": 4, "covered": 4, "share": 1.0, "at": "2026-11-20T09:00:00Z",
        "trend": [{"month": "2026-10", "share": 0.375}, {"month": "2026-11", "share": 1.0}]}

def test_requests_as_of_an_earlier_instant(vern):
    """The summary as of another instant counts only what had happened by then."""
    _answered(vern, "2026-10-01T10:00:00+02:00", "2026-11-20T10:00:00+01:00")  # due 2026-11-02
    _request(vern, "2026-11-23T10:00:00+01:00")
    before = board.summary(vern, clock.parse_instant("2026-11-10T12:00:00+01:00"))["requests"]
    assert {k: before[k] for k in ("answered", "open", "overdue")} == {"answered": 0, "open": 1, "overdue": 1}
    after = board.summary(vern)["requests"]
    assert {k: after[k] for k in ("answered", "late", "open", "overdue")} == {
        "answered": 1, "late": 1, "open": 1, "overdue": 0}


# -- the PDF and the command line -----------------------------------------------------
@pytest.mark.parametrize("lang, title, method, area", [
    ("nb", "Styrerapport: personvern", "Slik regnes poengene", "Behandlingsaktiviteter og risiko"),
    ("en", "Board summary: privacy", "How the score is computed", "Processing activities and risk"),
])
def test_the_pdf_reads_back_with_title_areas_narrative_and_charts(demo_vern, lang, title, method, area):
    data = board.summary(demo_vern)
    content = board_pdf.pdf_bytes(data, lang)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert title in text and method in text
    for name in AREAS:
        assert registry.area_title(name, lang) in text
    for sentence in board.narrative(data, lang):
        assert " ".join(sentence.split()) in text
    assert board.quarter_label("2026-Q4", lang) in text  # the quarterly chart's axis
    assert "2025-12" in text and "2026-11" in text  # the trend chart's axis
    requests_line = {"nb": "Besvart i tide (12 mnd.) 75 % (3/4)", "en": "Answered on time (12 months) 75% (3/4)"}
    assert requests_line[lang] in text
    assert board_pdf.pdf_bytes(data, lang) == content  # the same numbers, the same bytes


def test_vern_report_board_writes_the_pdf_and_prints_the_numbers(demo_vern, tmp_path):
    demo_vern.close()  # the command opens the database itself
    out = tmp_path / "board.pdf"
    done = vern_process.run([VERN, "report", "board", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Styrerapport: personvern" in pdf_text(out.read_bytes())  # the configured language: bokmål
    english = vern_process.run([VERN, "report", "board", "--out", str(tmp_path / "en.pdf"), "--lang", "en"],
                             capture_output=True, text=True)
    assert english.returncode == 0 and "Board summary: privacy" in pdf_text((tmp_path / "en.pdf").read_bytes())
    printed = vern_process.run([VERN, "report", "board", "--json"], capture_output=True, text=True, check=True)
    data = json.loads(printed.stdout)
    assert set(data) == {"as_of", "today", "method", "areas", "trend", "breaches", "notified_within_72h",
                         "training", "agreements", "retention", "requests", "trail", "backups"}
    assert [a["area"] for a in data["areas"]] == AREAS
    assert set(data["areas"][0]) == {"area", "score", "open", "checks", "failed_last_run", "verified",
                                     "unverified_sources"}
    assert set(data["trend"][0]) == {"month", "at", "scores"} and len(data["trend"]) == 12
    assert set(data["breaches"]) == {"quarters", "this_quarter", "open", "overdue", "awaiting", "notified_late"}
    assert set(data["notified_within_72h"]) == {"counted", "within", "late", "overdue", "share", "since"}
    assert set(data["training"]) == {"required", "covered", "share", "at", "trend"}
    assert data["agreements"]["in_order"] == 8 and data["retention"]["overdue"] == 17
    assert set(data["requests"]) == {"answered", "on_time", "late", "share", "since", "open", "overdue", "quarters"}
    assert (data["requests"]["on_time"], data["requests"]["answered"], data["requests"]["overdue"]) == (3, 4, 1)
    usage = vern_process.run([VERN, "report", "board"], capture_output=True, text=True)
    assert usage.returncode == 2 and "--out" in usage.stderr


# -- the page -------------------------------------------------------------------------
@pytest.mark.parametrize("roles", [("board",), ("adviser",)])
def test_the_page_shows_scores_method_charts_and_the_download(demo_vern, dashboard, roles):
    at = dashboard("board", lang="en", roles=roles)
    assert not at.exception
    assert at.title[0].value == "Board summary: privacy"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Processing activities and risk"] == "31" and metrics["Breaches"] == "66"
    assert metrics["Consent"] == "70" and metrics["Data-subject requests"] == "78"
    # Beside "past the deadline, not notified: 1", which counts against it (1 of 2 in time).
    assert (metrics["Past the deadline, not notified"], metrics["Notified within 72 hours (12 months)"]) == ("1", "50%")
    assert metrics["Training coverage"] == "50%" and metrics["Processor agreements in order"] == "8/11"
    assert metrics["Records past their retention"] == "17"
    assert (metrics["Answered on time (12 months)"], metrics["Answered late (12 months)"], metrics["Open requests"],
            metrics["Open past the deadline"]) == ("75%", "1", "4", "1")
    assert any("Per quarter: Q4 2026: 3 of 4 on time." in c.value for c in at.caption)
    assert "The weakest area is Processing activities and risk" in at.markdown[0].value
    shown = page_text(at)
    assert "Each area starts at 100 points" in shown
    assert "Q4 2026" in shown and "Dec 2025" in shown  # inside the charts' specs: they are searched too
    assert "2025-12" not in shown  # months by their names
    assert len(at.get("plotly_chart")) == 2  # the trend, breaches per quarter
    # Training coverage was measured in one month only: a number, not a dot on an axis.
    assert metrics["Training coverage measured in Nov 2026"] == "50%"
    assert "Download the board summary (PDF)" in page_text(at)


def test_the_trend_is_by_month_named_in_bokmal_and_every_label_level(demo_vern, dashboard):
    at = dashboard("board", lang="nb", roles=("board",))
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    axis = figure["layout"]["xaxis"]
    months = ["des. 2025", "jan. 2026", "feb. 2026", "mar. 2026", "apr. 2026", "mai 2026", "jun. 2026",
              "jul. 2026", "aug. 2026", "sep. 2026", "okt. 2026", "nov. 2026"]
    assert (axis["type"], axis["categoryarray"], axis["tickangle"]) == ("category", months, 0)
    assert axis["ticktext"] == months[::2]  # six written: none overlap beside the legend at 1280 px
    assert figure["data"][0]["x"] == months
    assert {m.label: m.value for m in at.metric}["Opplæringsdekning målt i nov. 2026"] == "50 %"
    assert at.caption[0].value.startswith("Per 24. nov. 2026 kl. 12.00")


def test_a_quarter_without_breaches_says_0_on_the_chart(demo_vern, dashboard):
    _add(demo_vern, "2026-02-10T09:00:00+01:00")  # the chart starts in Q1; Q2 had none
    at = dashboard("board", lang="nb", roles=("board",))
    figure = json.loads(at.get("plotly_chart")[1].proto.spec)
    quarters = figure["data"][0]["x"]
    assert quarters == ["1. kv. 2026", "2. kv. 2026", "3. kv. 2026", "4. kv. 2026"]
    assert [(a["x"], a["text"]) for a in figure["layout"]["annotations"]] == [("2. kv. 2026", "0")]


def test_the_page_is_refused_to_staff(demo_vern, dashboard):
    at = dashboard("board", lang="en", roles=("staff",))
    assert at.error[0].value == "You do not have access to this page. The attempt has been recorded."
    assert not at.metric


def test_the_pdf_download_is_recorded_in_the_trail(demo_vern, dashboard):
    at = dashboard("board", lang="nb", roles=("board",))
    at.get("download_button")[0].click().run()
    entry = trail.listing(demo_vern.store, action="export")[0]
    assert (entry["object"], entry["details"]) == ("board-summary.pdf", {"lang": "nb"})


# -- no personal data -----------------------------------------------------------------
def _plant(vern) -> None:
    """The marker wherever a person's data or free text can sit: a breach's words, a
    chapter's name, a decision's reason and a notification's reference; a person in the
    directory; a finding's risk-acceptance reason; a failed run's error."""
    breach = breaches.add(vern.store, vern.config, "adviser", {
        "title": MARKER, "description": MARKER, "reported_by": MARKER, "consequences": MARKER,
        "measures": MARKER, "aware_at": "2026-11-24T09:00:00+01:00", "acting_as": "processor",
        "controller_name": f"{MARKER} krets"})
    breaches.assess(vern.store, "adviser", breach, HIGH)
    breaches.decide(vern.store, "adviser", breach, True, False, reason=MARKER)
    breaches.notify(vern.store, "adviser", breach, "controller", clock.now(), MARKER)
    with vern.store.transaction() as tx:
        tx.execute("INSERT INTO people VALUES (?, ?, ?, 'employee', true, DATE '2020-01-01', NULL, ?)",
                   [f"p-{MARKER}", vern.store.keys.encrypt(MARKER, "people.name"),
                    vern.store.keys.encrypt(f"{MARKER}@x.no", "people.email"), MARKER])
    runner.run(vern.store, vern.config, vern.checks["training"], "cli")  # the snapshot has its district
    first = findings.listing(vern.store, status="open")[0]
    findings.set_status(vern.store, first["fingerprint"], "risk_accepted", "adviser", f"Kari Nordmann ({MARKER})")
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True, exist_ok=True)
    header = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
    (inbox / "register.csv").write_text(f"{header}\nAcme,CRM,NO,{MARKER},,,,\n")
    assert runner.run(vern.store, vern.config, vern.checks["processors"], "cli").status == "failed"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_planted_marker_reaches_neither_the_page_nor_the_pdf(demo_vern, dashboard, lang):
    _plant(demo_vern)
    data = board.summary(demo_vern)
    assert MARKER not in json.dumps(data)
    assert sum(a["failed_last_run"] for a in data["areas"]) == 1
    text = pdf_text(board_pdf.pdf_bytes(data, lang))
    assert MARKER not in text and "Kari Nordmann" not in text
    for roles in (("board",), ("adviser",)):
        at = dashboard("board", lang=lang, roles=roles)
        assert not at.exception
        shown = page_text(at)
        assert MARKER not in shown and "Kari Nordmann" not in shown
        assert at.warning  # the failed run is counted, its error is not shown


def test_the_page_counts_what_happened_earlier_in_the_minute_it_shows(vern, dashboard, monkeypatch):
    """The page says "as of 12.00" to the minute; a breach logged at 12.00.30 is in its
    numbers when it is opened at 12.00.40 (not counted as of 12.00.00)."""
    monkeypatch.setenv("VERN_NOW", "2026-11-24T12:00:40+01:00")
    breaches.add(vern.store, vern.config, "adviser", {"title": "t", "aware_at": "2026-11-24T12:00:30+01:00"})
    at = dashboard("board", lang="en", roles=("board",))
    assert not at.exception
    assert "Breaches logged this quarter: 1" in " ".join(m.value for m in at.markdown)
