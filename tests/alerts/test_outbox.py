"""Alerts through real servers on loopback: an HTTP server for Teams, Slack and the signed
webhook (pytest-httpserver), an SMTP server for mail. The outbox keeps what could not be
sent and tries again; nothing in an alert is a title, a description or a person."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import vern_process
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from audits.alerts import outbox
from audits.core.errors import VernError
from conftest import config_with

NOW = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # 10:00 in Oslo, the day before summer time
SECRET = "whsec_" + base64.b64encode(b"sixteen byte key").decode()
BREACH = {"breach": 7, "aware_at": "2026-03-28T09:00:00Z", "deadline_at": "2026-03-31T09:00:00Z",
          "recipient": "authority"}


def channels_toml(httpserver, *kinds: str, mail_port: int | None = None) -> str:
    toml = 'language = "nb"\n[breaches]\ndashboard_url = "https://vern.example.org"\n'
    if mail_port:
        toml += (f'[mail]\nhost = "127.0.0.1"\nport = {mail_port}\nsecurity = "none"\n'
                 'sender = "vern@example.org"\nadvisers = ["radgiver@example.org"]\n')
    for kind in kinds:
        toml += f'[[alerts.channels]]\nkind = "{kind}"\nurl = "{httpserver.url_for("/" + kind)}"\n'
        if kind == "webhook":
            toml += 'secret_env = "VERN_TEST_WEBHOOK_SECRET"\n'
    return toml


def queued(vern, config, event="breach_logged", data=BREACH, now=NOW) -> list[str]:
    with vern.store.transaction() as tx:
        return outbox.queue(tx, config, event, data, now)


def statuses(vern) -> list[tuple]:
    return [tuple(r.values()) for r in vern.store.rows(
        "SELECT channel, status, attempts, problem FROM alerts ORDER BY id")]


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("VERN_TEST_WEBHOOK_SECRET", SECRET)


def test_a_breach_alert_reaches_teams_slack_a_signed_webhook_and_mail(vern, httpserver, smtp, secret):
    for kind in ("teams", "slack", "webhook"):
        httpserver.expect_request("/" + kind, method="POST").respond_with_data("1", status=202)
    config = config_with(vern, channels_toml(httpserver, "teams", "slack", "webhook", mail_port=smtp.port))
    assert len(queued(vern, config)) == 4

    assert outbox.deliver(vern.store, config, NOW) == {"sent": 4, "retrying": 0, "failed": 0}
    bodies = {request.path.strip("/"): request for request, _ in httpserver.log}
    card = json.loads(bodies["teams"].data)
    assert card["type"] == "message"
    attachment = card["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert content["body"][0]["text"] == "Nytt avvik meldt: nr. 7"
    assert content["body"][1]["facts"] == [
        {"title": "Kjent siden", "value": "28. mar. 2026 kl. 10.00 (norsk tid)"},
        {"title": "Frist for melding", "value": "31. mar. 2026 kl. 11.00 (norsk tid)"},  # summer time began
        {"title": "Skal varsles", "value": "Datatilsynet"}]
    assert content["actions"][0]["url"] == "https://vern.example.org"

    slack = json.loads(bodies["slack"].data)
    assert slack["text"] == "Nytt avvik meldt: nr. 7"
    assert "Frist for melding: 31. mar. 2026 kl. 11.00 (norsk tid)" in slack["blocks"][1]["text"]["text"]
    assert slack["blocks"][1]["text"]["type"] == "plain_text"

    hook = bodies["webhook"]
    body = hook.get_data(as_text=True)
    headers = {name: hook.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    assert headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    # Signed as the receiver's library checks it (its clock is today's: re-sign at "now" to compare) …
    signed = hmac.new(b"sixteen byte key", f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode(),
                      hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(signed).decode()
    assert json.loads(body) == {"type": "vern.breach_logged", "title": "Nytt avvik meldt: nr. 7",
                                "data": BREACH, "link": "https://vern.example.org"}

    [message] = smtp.messages()
    assert message["Subject"] == "Vern: Nytt avvik meldt: nr. 7"
    assert "Frist for melding: 31. mar. 2026 kl. 11.00 (norsk tid)" in message.get_content()
    assert [s for _, s, _, _ in statuses(vern)] == ["sent"] * 4


def test_the_webhook_signature_verifies_with_the_standard_webhooks_library(vern, httpserver, secret):
    httpserver.expect_request("/webhook").respond_with_data("", status=204)
    config = config_with(vern, channels_toml(httpserver, "webhook"))
    now = datetime.now(UTC)  # the library refuses a timestamp five minutes off its clock
    queued(vern, config, now=now)
    outbox.deliver(vern.store, config, now)
    [(request, _)] = httpserver.log
    assert Webhook(SECRET).verify(request.get_data(as_text=True), dict(request.headers))["data"]["breach"] == 7
    tampered = request.get_data(as_text=True).replace('"breach":7', '"breach":8')
    with pytest.raises(Exception, match="signature"):
        Webhook(SECRET).verify(tampered, dict(request.headers))


def test_a_failed_send_is_tried_again_as_the_service_asks_then_after_longer_waits(vern, httpserver):
    httpserver.expect_ordered_request("/slack").respond_with_response(
        Response("busy", status=429, headers={"Retry-After": "120"}))
    httpserver.expect_ordered_request("/slack").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/slack").respond_with_data("ok", status=200)
    config = config_with(vern, channels_toml(httpserver, "slack"))
    queued(vern, config)

    assert outbox.deliver(vern.store, config, NOW) == {"sent": 0, "retrying": 1, "failed": 0}
    assert statuses(vern) == [(config.alert_channels[0].ref, "pending", 1, "HTTP 429")]
    assert vern.store.value("SELECT next_at FROM alerts") == NOW + timedelta(seconds=120)
    assert outbox.deliver(vern.store, config, NOW + timedelta(seconds=119))["retrying"] == 0  # not due yet
    assert outbox.deliver(vern.store, config, NOW + timedelta(seconds=120))["retrying"] == 1
    assert vern.store.value("SELECT next_at FROM alerts") == NOW + timedelta(seconds=120 + 120)  # 2 minutes
    assert outbox.deliver(vern.store, config, NOW + timedelta(minutes=4))["sent"] == 1
    assert statuses(vern) == [(config.alert_channels[0].ref, "sent", 3, None)]


def test_after_the_last_try_the_alert_is_failed_and_listed(vern, httpserver):
    httpserver.expect_request("/teams").respond_with_data("no", status=500)
    config = config_with(vern, channels_toml(httpserver, "teams"))
    queued(vern, config)
    at = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver(vern.store, config, at)
        at += timedelta(hours=2)
    assert statuses(vern) == [(config.alert_channels[0].ref, "failed", outbox.MAX_ATTEMPTS, "HTTP 500")]
    assert len(httpserver.log) == outbox.MAX_ATTEMPTS
    assert [r["problem"] for r in outbox.failures(vern.store, NOW)] == ["HTTP 500"]
    assert outbox.deliver(vern.store, config, at + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0}


def test_a_channel_removed_after_queueing_fails_at_once_and_no_url_is_stored(vern, httpserver):
    config = config_with(vern, channels_toml(httpserver, "teams"))
    queued(vern, config)
    assert "http" not in json.dumps(vern.store.rows("SELECT * FROM alerts"), default=str)
    assert outbox.deliver(vern.store, config_with(vern, 'language = "nb"\n'), NOW)["failed"] == 1
    assert statuses(vern)[0][1:] == ("failed", 1, "removed")
    assert httpserver.log == []


def test_a_webhook_without_its_secret_is_not_sent_unsigned(vern, httpserver, monkeypatch):
    monkeypatch.delenv("VERN_TEST_WEBHOOK_SECRET", raising=False)
    config = config_with(vern, channels_toml(httpserver, "webhook"))
    queued(vern, config)
    assert outbox.deliver(vern.store, config, NOW)["retrying"] == 1
    assert statuses(vern)[0][1:] == ("pending", 1, "secret")
    assert httpserver.log == []


@pytest.mark.parametrize(("toml", "nb"), [
    ('[[alerts.channels]]\nkind = "sms"\nurl = "https://x"\n',
     "konfigurasjonsnøkkel alerts.channels[1].kind: må være en av teams, slack, webhook"),
    ('[[alerts.channels]]\nkind = "teams"\nurl = "ftp://x"\n',
     "konfigurasjonsnøkkel alerts.channels[1].url: må være en adresse som begynner med https://"),
    ('[[alerts.channels]]\nkind = "webhook"\nurl = "https://x"\n',
     "konfigurasjonsnøkkel alerts.channels[1].secret_env: en webhook trenger navnet på miljøvariabelen "
     "som holder hemmeligheten"),
    ('[[alerts.channels]]\nkind = "slack"\nurl = "https://x"\nsecret_env = "S"\n',
     'konfigurasjonsnøkkel alerts.channels[1].secret_env: gjelder bare kind = "webhook"'),
    ('[[alerts.channels]]\nkind = "slack"\nurl = "https://x"\nchannel = "#personvern"\n',
     "konfigurasjonsnøkkel alerts.channels[1].channel: ukjent nøkkel"),
    ('[alerts]\nchannels = "teams"\n',
     "konfigurasjonsnøkkel alerts.channels: skriv én [[alerts.channels]]-tabell per kanal"),
    ('[alerts]\nmail = true\n', "konfigurasjonsnøkkel alerts: bare [[alerts.channels]] er kjent"),
])
def test_a_channel_configured_wrong_is_refused_by_its_key(vern, toml, nb):
    with pytest.raises(VernError) as refused:
        config_with(vern, toml)
    assert refused.value.text("nb") == nb


def test_vern_alerts_test_reports_each_channel_and_fails_when_one_did(vern, httpserver, smtp, secret):

    from conftest import VERN

    httpserver.expect_request("/teams").respond_with_data("", status=202)
    httpserver.expect_request("/slack").respond_with_data("no_service", status=404)
    config = config_with(vern, channels_toml(httpserver, "teams", "slack", mail_port=smtp.port))
    vern.close()
    done = vern_process.run([VERN, "alerts", "test"], capture_output=True, text=True)
    teams, slack = (channel.ref for channel in config.alert_channels)
    assert done.stdout.splitlines() == ["mail: sendt", f"{teams}: sendt", f"{slack}: ikke sendt (HTTP 404)"]
    assert done.stderr == "vern: 1 kanal tok ikke imot testmeldingen\n"
    assert done.returncode == 1
    assert smtp.subjects() == ["Vern: Test fra Vern: denne kanalen når personvernrådgiverne"]
    assert "http" not in done.stdout  # a webhook URL is a secret
