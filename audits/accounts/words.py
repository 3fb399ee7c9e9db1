"""The words of signing in and of the users page."""

from audits.core.i18n import Text

WORDS: dict[str, Text] = {
    "auth.title": Text("Logg inn i Vern", "Sign in to Vern"),
    "auth.username": Text("Brukernavn", "Username"),
    "auth.password": Text("Passord", "Password"),
    "auth.sign_in": Text("Logg inn", "Sign in"),
    "auth.sign_out": Text("Logg ut", "Sign out"),
    "auth.oidc": Text("Logg inn med organisasjonskonto", "Sign in with your organisation account"),
    "auth.signed_in_as": Text("Innlogget som {name} ({roles})", "Signed in as {name} ({roles})"),
    "auth.refused": Text(
        "Innloggingen mislyktes: feil brukernavn eller passord, eller kontoen er sperret. Prøv igjen. "
        "Etter fem mislykkede forsøk på rad er kontoen sperret i 15 minutter; administratoren kan hjelpe.",
        "Sign-in failed: wrong username or password, or the account is blocked. Try again. "
        "After five failed attempts in a row the account is locked for 15 minutes; the administrator can help."),
    "auth.idle": Text("Du ble logget ut etter {minutes} minutter uten aktivitet. Logg inn igjen.",
                      "You were signed out after {minutes} minutes without activity. Sign in again."),
    "auth.ended": Text("Økten ble avsluttet fordi kontoen din ble endret. Logg inn igjen.",
                       "Your session ended because your account was changed. Sign in again."),
    "auth.gone": Text("Økten er avsluttet, i en annen fane eller ved en ny innlogging. Logg inn igjen.",
                      "Your session has ended, in another tab or by a new sign-in. Sign in again."),
    "auth.no_role": Text("Kontoen din har ingen rolle i Vern. Spør administratoren.",
                         "Your account has no role in Vern. Ask the administrator."),
    "auth.oidc_expired": Text(
        "Innloggingen med organisasjonskontoen er utløpt. Logg inn på nytt.",
        "Your sign-in with the organisation account has expired. Sign in again."),
    "auth.no_users": Text(
        "Databasen har ingen brukere ennå. Opprett den første administratoren på serveren:",
        "This database has no users yet. Create the first administrator on the server:"),
    "auth.denied": Text("Du har ikke tilgang til denne siden. Forsøket er registrert.",
                        "You do not have access to this page. The attempt has been recorded."),
    # a form being written, kept for its author (dashboard/draft_ui.py)
    "drafts.kept_today": Text("Utkast lagret kl. {time}", "Draft saved at {time}"),
    "drafts.kept": Text("Utkast lagret {at}", "Draft saved {at}"),
    "drafts.discard": Text("Forkast utkast", "Discard draft"),
    "users.title": Text("Brukere og nøkler", "Users and keys"),
    "users.roles": Text("Roller", "Roles"),
    "users.active": Text("aktiv", "active"),
    "users.disabled": Text("deaktivert", "disabled"),
    "users.locked": Text("sperret", "locked"),
    "users.last_sign_in": Text("Sist innlogget", "Last sign-in"),
    "users.add": Text("Legg til bruker", "Add user"),
    "users.added": Text("Bruker {name} lagt til.", "User {name} added."),
    "users.change": Text("Endre bruker", "Change user"),
    "users.new_password": Text("Nytt passord (tomt: uendret)", "New password (empty: unchanged)"),
    "users.password_rule": Text(
        "Minst 12 tegn, mellomrom før og etter teller ikke. Ikke et av de vanligste passordene, og ikke "
        "brukernavnet eller foreningens navn. Noen ord som ikke hører sammen, er et godt passord.",
        "At least 12 characters; spaces before and after do not count. Not one of the most common "
        "passwords, and not containing the username or the association's name. A few words that do not "
        "belong together make a good password."),
    # a password refused (audits.accounts.passwords): what to do instead
    "accounts.password.short": Text(
        "Passordet må ha minst {n} tegn (mellomrom før og etter teller ikke). Velg et lengre, "
        "gjerne noen ord som ikke hører sammen.",
        "password: at least {n} characters (spaces before and after do not count): choose a longer one, "
        "for instance a few words that do not belong together"),
    "accounts.password.long": Text("Passordet kan ha høyst {n} tegn. Velg et kortere.",
                                   "password: longer than {n} characters"),
    "accounts.password.nul": Text("Passordet inneholder et NUL-tegn. Skriv det inn på nytt.",
                                  "password: contains a NUL character"),
    "accounts.password.not_text": Text("Passordet er ikke gyldig tekst. Skriv det inn på nytt.",
                                       "password: is not valid UTF-8 text"),
    "accounts.password.common": Text(
        "Dette er et av de mest brukte passordene, og det gjettes først. Velg et annet.",
        "password: one of the most commonly used passwords, and guessed first: choose another"),
    "accounts.password.username": Text("Passordet inneholder brukernavnet. Velg et som ikke gjør det.",
                                       "password: contains the username: choose one that does not"),
    "accounts.password.association": Text("Passordet inneholder foreningens navn. Velg et som ikke gjør det.",
                                          "password: contains the association's name: choose one that does not"),
    "accounts.password.trivial": Text(
        "Passordet består bare av gjentakelser og rekker (som aaaa, 1234 eller abcd). "
        "Velg et som er vanskeligere å gjette.",
        "password: only repeats and runs (like aaaa, 1234 or abcd): choose one that is harder to guess"),
    # an account refused (audits.accounts.users); a username may be personal data: never shown
    "accounts.refused.username_form": Text(
        "Brukernavnet må ha 2–64 tegn: bokstavene a–z, sifre og . _ @ - (og begynne med en bokstav eller et siffer).",
        "username: 2-64 characters: letters a-z, digits and . _ @ - (starting with a letter or digit)"),
    "accounts.refused.role_unknown": Text("Rollen {role} finnes ikke; velg én eller flere av {roles}.",
                                          "role: {role}; one or more of {roles}"),
    "accounts.refused.no_role": Text("Velg minst én rolle: {roles}.", "role: none given; one or more of {roles}"),
    "accounts.refused.exists": Text("Det finnes allerede en bruker med dette brukernavnet.",
                                    "username: exists already"),
    "accounts.refused.no_user": Text("Det finnes ingen bruker med dette brukernavnet.", "username: no such user"),
}
