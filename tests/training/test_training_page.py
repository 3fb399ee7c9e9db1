"""The training page on the demo data: the board sees shares only; the adviser sees who
needs a reminder, can export the list safely, and can mail the reminders."""



from audits.core import trail

NAMES = ("Lise Dahl", "Jonas Lie", "Ingrid Berg", "Ola Hansen", "Henrik Vik")


def test_board_sees_coverage_but_no_names(demo_vern, dashboard):
    at = dashboard("training", lang="en", roles=("board",))
    assert not at.exception
    assert at.title[0].value == "Privacy training"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Coverage"] == "50%"  # 4 of the 8 who need it: Kari, Ola, Nils, Anne
    assert len(at.get("plotly_chart")) == 2  # by kind, by district
    trend = [m for m in at.metric if m.label.startswith("Coverage at the check run of ")]
    assert [m.value for m in trend] == ["50%"]  # one run: a number, not a chart
    assert not at.dataframe
    page_text = " ".join(str(e.value) for e in at.markdown) + " ".join(str(e.value) for e in at.caption)
    assert not any(name in page_text for name in NAMES)


def test_adviser_sees_who_to_remind_and_why(demo_vern, dashboard):
    at = dashboard("training", lang="en")
    assert not at.exception
    table = at.dataframe[0].value
    by_name = dict(zip(table["Name"], table["Status"], strict=True))
    assert by_name == {"Lise Dahl": "missing", "Jonas Lie": "missing", "Ingrid Berg": "expired",
                       "Ola Hansen": "expires soon", "Henrik Vik": "new, within the grace period"}
    assert "Per Johansen" not in by_name  # left: not nagged


def test_adviser_mails_one_reminder_to_each_person(demo_vern, dashboard, smtp, tmp_path):
    demo_vern.config.mail.update(host="127.0.0.1", port=smtp.port, security="none",
                                 sender="personvern@forening.no")
    at = dashboard("training", lang="en")
    next(b for b in at.button if b.label.startswith("Send a reminder to 5 people")).click().run()
    assert not at.error, at.error[0].value if at.error else ""
    assert "Reminder sent to 5 people." in at.success[0].value
    sent = [(received["to"], message) for received, message in zip(smtp.received, smtp.messages(), strict=True)]
    recipients = sorted(r for tos, _ in sent for r in tos)
    assert recipients == sorted(["lise.dahl@forening.no", "jonas.lie@forening.no", "ingrid.berg@forening.no",
                                 "ola.hansen@forening.no", "henrik.vik@forening.no"])
    lise = next(m for tos, m in sent if tos == ["lise.dahl@forening.no"])
    assert "Personvern grunnkurs" in lise.get_content()
    entry = trail.listing(demo_vern.store, action="training.reminders")[0]
    assert entry["details"] == {"people": 5}


def test_without_the_training_check_the_page_says_so(demo_vern, dashboard, monkeypatch):
    monkeypatch.setattr(demo_vern, "checks", {k: c for k, c in demo_vern.checks.items() if k != "training"})
    at = dashboard("training", lang="en")
    assert not at.exception
    assert at.info[0].value == ("This page shows what the check “training” finds, and it is not installed "
                                "in this Vern. Ask the administrator.")
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
