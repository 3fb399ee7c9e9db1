"""A breach logged by any path alerts the advisers at once, by mail and chat: in the real
browser from the staff form, from `vern breach add`, through loopback SMTP and HTTP servers.
What they receive carries the number, the instants and who must be told, never the title
or the description; the staff member reads the truth about it."""

import json
import re
from datetime import datetime, timedelta

import vern_process
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook
from test_outbox import SECRET

from conftest import VERN, serving, sign_in

TITLE = "Medlemsliste for Bergen sendt til feil mottaker"
DESCRIPTION = "Kari Nordmanns liste over medlemmer med betalingsproblemer"


def configure(db_path, smtp, httpserver, channels: bool = True) -> None:
    toml = ('language = "nb"\n[breaches]\ndashboard_url = "https://vern.forening.no"\n'
            f'[mail]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\nsender = "vern@forening.no"\n'
            'advisers = ["personvern@forening.no", "leder@forening.no"]\n')
    if channels:
        toml += (f'[[alerts.channels]]\nkind = "webhook"\nurl = "{httpserver.url_for("/vern")}"\n'
                 'secret_env = "VERN_TEST_WEBHOOK_SECRET"\n')
    (db_path.parent / "vern.toml").write_text(toml, encoding="utf-8")


def assert_told_without_words(smtp, httpserver, number: str) -> None:
    # (the demo's breaches near their deadline get their reminders too, through the same server)
    [(mail, to)] = [(m, r["to"]) for m, r in zip(smtp.messages(), smtp.received, strict=True)
                    if m["Subject"].startswith("Vern: Nytt avvik")]
    assert mail["Subject"] == f"Vern: Nytt avvik meldt: nr. {number}"
    assert sorted(to) == ["leder@forening.no", "personvern@forening.no"]
    # (the demo's reminders reach the webhook too: every one signed, the new breach's once)
    alerts = [(r.get_data(as_text=True), Webhook(SECRET).verify(r.get_data(as_text=True), dict(r.headers)))
              for r, _ in httpserver.log]
    [(body, alert)] = [(body, alert) for body, alert in alerts if alert["type"] == "vern.breach_logged"]
    assert alert["type"] == "vern.breach_logged" and alert["data"]["breach"] == int(number)
    assert alert["data"]["recipient"] == "authority"
    aware, due = (datetime.fromisoformat(alert["data"][k]) for k in ("aware_at", "deadline_at"))
    assert due - aware == timedelta(hours=72)
    assert "Frist for melding: " in mail.get_content()
    for said in (mail.get_content(), *(body for body, _ in alerts)):
        assert "Bergen" not in said and "Kari" not in said and "betaling" not in said


def test_staff_log_a_breach_and_both_channels_have_it_before_the_confirmation(
        db_path, smtp, httpserver, page, monkeypatch):
    monkeypatch.setenv("VERN_TEST_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("VERN_NOW", raising=False)  # the webhook's signature is judged on the receiver's clock
    httpserver.expect_request("/vern", method="POST").respond_with_data("", status=204)
    configure(db_path, smtp, httpserver)
    vern_process.run([VERN, "demo"], check=True, capture_output=True)
    with serving(db_path) as url:
        sign_in(page, url, "staff", "vern-demo-ansatt")
        page.get_by_label("Hva skjedde? (kort)").fill(TITLE)
        page.get_by_label("Beskriv hva som skjedde og hvordan").fill(DESCRIPTION)
        page.get_by_role("button", name="Send inn").click()
        confirmation = page.get_by_text(re.compile(r"Takk! Avviket er registrert som nr\. \d+\."))
        expect(confirmation).to_be_visible()
        number = re.search(r"nr\. (\d+)", confirmation.inner_text()).group(1)
        expect(page.get_by_text("Varslet: e-post til 2 rådgivere, webhook.")).to_be_visible()
    assert_told_without_words(smtp, httpserver, number)


def test_vern_breach_add_alerts_the_same_way(db_path, smtp, httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_TEST_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("VERN_NOW", raising=False)
    httpserver.expect_request("/vern", method="POST").respond_with_data("", status=204)
    configure(db_path, smtp, httpserver)
    breach = tmp_path / "breach.json"
    breach.write_text(json.dumps({"title": TITLE, "description": DESCRIPTION,
                                  "aware_at": "2026-11-24T09:00:00+01:00"}))
    done = vern_process.run([VERN, "breach", "add", "--file", str(breach)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    number = str(json.loads(done.stdout)["id"])
    assert done.stderr == "Varslet: e-post til 2 rådgivere, webhook.\n"
    assert_told_without_words(smtp, httpserver, number)


def test_with_no_channel_the_reporter_is_told_whom_to_call(db_path, smtp, httpserver, tmp_path):
    (db_path.parent / "vern.toml").write_text(
        '[organisation]\nname = "Foreningen"\ncontact_name = "Kari Nordmann"\ncontact_phone = "+47 22 00 00 00"\n')
    breach = tmp_path / "breach.json"
    breach.write_text(json.dumps({"title": TITLE, "aware_at": "2026-11-24T09:00:00+01:00"}))
    done = vern_process.run([VERN, "breach", "add", "--file", str(breach)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ("Personvernrådgiveren er ikke varslet ennå. Ring Kari Nordmann på +47 22 00 00 00 nå.\n")


def test_a_channel_that_is_down_is_said_and_tried_again(db_path, smtp, httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_TEST_WEBHOOK_SECRET", SECRET)
    httpserver.expect_request("/vern", method="POST").respond_with_data("", status=503)
    configure(db_path, smtp, httpserver)
    smtp.refuse = True
    breach = tmp_path / "breach.json"
    breach.write_text(json.dumps({"title": TITLE, "aware_at": "2026-11-24T09:00:00+01:00"}))
    done = vern_process.run([VERN, "breach", "add", "--file", str(breach)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # saved, whatever the channels say
    assert done.stderr.splitlines() == [
        "Ikke kommet fram ennå: e-post til 2 rådgivere, webhook. Vern prøver igjen.",
        "Personvernrådgiveren er ikke varslet ennå. Si fra til personvernrådgiveren nå."]
    listed = vern_process.run([VERN, "breach", "list", "--json"], capture_output=True, text=True)
    assert [b["title"] for b in json.loads(listed.stdout)] == [TITLE]
