"""The words of consent: the register, campaigns and the page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    # -- the purposes of the demo and of most associations (others as written)
    "purpose.newsletter": Text("nyhetsbrev", "newsletter"),
    "purpose.fundraising": Text("innsamling", "fundraising"),
    "purpose.interest_profile": Text("interesseprofil", "interest profile"),
    "consent.title": Text("Samtykke og reservasjon", "Consent and opt-out"),
    "consent.explain": Text(
        "Hver markedsføringsutsendelse vurdert mot samtykkeregisteret i det øyeblikket den ble sendt. "
        "Tjenesteposter (som påmeldingsbekreftelser) er ikke markedsføring. Bare tall: ingen personer vises.",
        "Every marketing send judged against the consent register at the instant it was sent. Service "
        "mail (such as booking confirmations) is not marketing. Counts only: no person is shown."),
    "consent.empty": Text(
        "Ingen samtykker eller utsendelser ennå. Importer med `vern import consents FIL` og "
        "`vern import campaigns FIL`, eller legg filene i data/inbox/consent/consents/ og "
        "data/inbox/consent/campaigns/.",
        "No consents or sends yet. Import with `vern import consents FILE` and "
        "`vern import campaigns FILE`, or drop the files into data/inbox/consent/consents/ and "
        "data/inbox/consent/campaigns/."),
    "consent.marketing_sends": Text("Markedsføringsutsendelser", "Marketing sends"),
    "consent.without_consent": Text("Uten gyldig samtykke", "Without a valid consent"),
    "consent.after_opt_out": Text("Etter reservasjon", "After opt-out"),
    "consent.request_withdrawals": Text("Reservasjoner fra henvendelser", "Opt-outs from requests"),
    "consent.request_withdrawals_help": Text(
        "Personer som har reservert seg eller protestert i en henvendelse: samtykker gitt før det gjelder ikke.",
        "People who opted out or objected in a data-subject request: consents given before it no longer count."),
    "consent.by_purpose": Text("Samtykker per formål (i dag)", "Consents by purpose (today)"),
    "consent.purpose": Text("Formål", "Purpose"),
    "consent.valid": Text("Gyldig samtykke", "Valid consent"),
    "consent.withdrawn": Text("Trukket", "Withdrawn"),
    "consent.people_axis": Text("Personer", "People"),
    "consent.campaigns": Text("Utsendelser per kampanje", "Sends by campaign"),
    "consent.campaign": Text("Kampanje", "Campaign"),
    "consent.kind": Text("Type", "Kind"),
    "consent.kind.marketing": Text("markedsføring", "marketing"),
    "consent.kind.service": Text("tjenestepost", "service mail"),
    "consent.sends": Text("Utsendelser", "Sends"),
    "consent.people": Text("Personer", "People"),
    "consent.first": Text("Første (Oslo)", "First (Oslo)"),
    "consent.last": Text("Siste (Oslo)", "Last (Oslo)"),
    "consent.violations": Text("Utsendelser i strid med samtykke, per kampanje",
                               "Sends against consent, by campaign"),
    "consent.no_violations": Text("Alle markedsføringsutsendelser hadde gyldig samtykke.",
                                  "Every marketing send had a valid consent."),
    # refused (audits.consent.register)
    "consent.refused.campaign_contact": Text(
        "inneholder en e-postadresse, et telefonnummer eller et fødselsnummer: kampanjens navn vises for styret "
        "og i funn, så gi den navnet på utsendelsen, ikke på en person",
        "holds an e-mail address, a phone number or an identity number: a campaign's name "
        "is shown to the board and in findings, so name the mailing, not a person"),
}
