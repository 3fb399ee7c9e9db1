"""The words of alerts: what the advisers read in mail and chat, and the configuration's refusals."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "alerts.title.breach_logged": Text("Nytt avvik meldt: nr. {n}", "New breach logged: no. {n}"),
    "alerts.title.breach_reminder": Text("Avvik nr. {n}: {hours} timer til fristen",
                                         "Breach no. {n}: {hours} hours to the deadline"),
    "alerts.title.check_failed": Text("Kontrollen {check} feilet", "The check {check} failed"),
    "alerts.title.test": Text("Test fra Vern: denne kanalen når personvernrådgiverne",
                              "Test from Vern: this channel reaches the privacy advisers"),
    "alerts.aware": Text("Kjent siden", "Aware since"),
    "alerts.deadline": Text("Frist for melding", "Deadline for notification"),
    "alerts.tell": Text("Skal varsles", "To be notified"),
    "alerts.to_authority": Text("Datatilsynet", "Datatilsynet"),
    "alerts.to_controller": Text("den behandlingsansvarlige, {name}", "the controller, {name}"),
    "alerts.oslo_time": Text("{at} (norsk tid)", "{at} (Oslo time)"),
    "alerts.open": Text("Åpne i Vern: {link}", "Open in Vern: {link}"),
    # vern alerts test
    "alerts.test.sent": Text("sendt", "sent"),
    "alerts.test.failed": Text("ikke sendt ({problem})", "not sent ({problem})"),
    "alerts.test.none": Text(
        "ingen kanal er satt opp: legg inn [mail] med advisers, eller [[alerts.channels]], i konfigurasjonen",
        "no channel is configured: add [mail] with advisers, or [[alerts.channels]], to the configuration"),
    "alerts.test.some_failed": Text("{n} {n:kanal|kanaler} tok ikke imot testmeldingen",
                                    "{n} {n:channel|channels} did not take the test message"),
    # [[alerts.channels]] refused
    "alerts.config.section": Text("konfigurasjonsnøkkel alerts: bare [[alerts.channels]] er kjent",
                                  "configuration key alerts: only [[alerts.channels]] is known"),
    "alerts.config.not_tables": Text("konfigurasjonsnøkkel alerts.channels: skriv én [[alerts.channels]]-tabell per kanal",
                                     "configuration key alerts.channels: write one [[alerts.channels]] table per channel"),
    "alerts.config.not_a_table": Text("konfigurasjonsnøkkel {key}: forventet en tabell", "configuration key {key}: expected a table"),
    "alerts.config.unknown_key": Text("konfigurasjonsnøkkel {key}: ukjent nøkkel", "configuration key {key}: unknown key"),
    "alerts.config.kind": Text("konfigurasjonsnøkkel {key}: må være en av {kinds}",
                               "configuration key {key}: must be one of {kinds}"),
    "alerts.config.url": Text("konfigurasjonsnøkkel {key}: må være en adresse som begynner med https://",
                              "configuration key {key}: must be an address beginning with https://"),
    "alerts.config.secret_env": Text(
        "konfigurasjonsnøkkel {key}: en webhook trenger navnet på miljøvariabelen som holder hemmeligheten",
        "configuration key {key}: a webhook needs the name of the environment variable holding its secret"),
    "alerts.config.secret_env_not_here": Text("konfigurasjonsnøkkel {key}: gjelder bare kind = \"webhook\"",
                                              "configuration key {key}: applies to kind = \"webhook\" only"),
}
