"""Outgoing mail: one plain-text message over SMTP, as `[mail]` in the configuration says.

`security` is "ssl" (SMTP over TLS from the first byte, usually port 465), "starttls"
(plain connection upgraded before anything else is said, usually port 587) or "none"
(clear text, accepted only to a loopback host, e.g. a local relay or a test server).
Certificates are verified. The password is read from VERN_SMTP_PASSWORD, never from the
configuration file. Errors name the server, never a recipient or the message.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from audits.core.errors import VernError, os_reason
from audits.core.i18n import Message

if TYPE_CHECKING:  # annotations only
    import smtplib

log = logging.getLogger(__name__)
PASSWORD_VARIABLE = "VERN_SMTP_PASSWORD"
TIMEOUT_SECONDS = 30


def configured(mail: dict) -> bool:
    """A host and at least one adviser: without them there is no one to write to."""
    return bool(mail.get("host") and mail.get("advisers"))


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def message(mail: dict, to: list[str], subject: str, body: str) -> EmailMessage:
    sender = mail.get("sender") or ""
    if not sender:
        raise VernError("config.key", setting="mail.sender", why=Message("mail.sender_needed"))
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    # Our own domain for the Message-ID: no DNS lookup of this machine's name.
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "vern.invalid")
    msg.set_content(body, charset="utf-8")
    return msg


def _connect(host: str, port: int, security: str) -> smtplib.SMTP:
    import smtplib  # imported here, with ssl: only sending needs them (0.01 s at every start)
    import ssl

    if security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    if security == "starttls":
        client.ehlo()
        client.starttls(context=ssl.create_default_context())
        client.ehlo()
    return client


def _why(error: BaseException) -> Message:
    """The cause without what the server may echo back (addresses, message text)."""
    import smtplib  # imported here, with ssl: only sending needs them (0.01 s at every start)
    import ssl

    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Message("mail.why.login", {"code": error.smtp_code, "variable": PASSWORD_VARIABLE})
    if isinstance(error, smtplib.SMTPResponseException):
        return Message("mail.why.answered", {"code": error.smtp_code, "kind": type(error).__name__})
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return Message("mail.why.recipients", {"n": len(error.recipients)})
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Message("mail.why.unsupported")
    if isinstance(error, ssl.SSLError):
        return Message("mail.why.tls", {"reason": error.reason or type(error).__name__})
    if isinstance(error, OSError) and error.errno:
        return os_reason(error)
    return Message("os.other", {"code": type(error).__name__})


def send(mail: dict, to: list[str], subject: str, body: str) -> int:
    """Hand one message to the SMTP server; returns once the server accepted it, with the
    number of recipients it refused (accepted for some is accepted: sending again would
    repeat it to the others). Raises VernError naming the server when it cannot."""
    import smtplib  # imported here: see _connect

    host, port, security = mail.get("host") or "", int(mail.get("port") or 0), mail.get("security")
    if not host:
        raise VernError("config.key", setting="mail.host", why=Message("mail.host_needed"))
    if not to:
        raise VernError("config.key", setting="mail.advisers", why=Message("mail.no_one"))
    if security == "none" and not _loopback(host):
        raise VernError("mail.clear_text", host=host)
    username = mail.get("username") or ""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if username and not password:
        raise VernError("mail.no_password", host=host, variable=PASSWORD_VARIABLE)
    msg = message(mail, to, subject, body)
    try:
        with _connect(host, port, security) as client:
            if username:
                client.login(username, password)
            refused = client.send_message(msg)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail to %d recipients through %s:%s failed: %s", len(to), host, port, type(error).__name__)
        raise VernError("mail.not_sent", host=host, port=port, why=_why(error)) from None
    if refused:
        log.warning("mail server %s:%s refused %d of %d recipients", host, port, len(refused), len(to))
    log.info("mail accepted for %d recipients by %s:%s", len(to) - len(refused), host, port)
    return len(refused)
