"""Mail delivery: settings from config and environment, SMTP with STARTTLS and login
against a real server on 127.0.0.1 (aiosmtpd; also used by the other alert tests), and
the outbox of .eml files when no server is configured."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "majobs", "s3cret-pw"


@dataclass
class Inbox:
    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)      # recipients answered with 550

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "majobs test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def smtp_server(tls_dir: Path | None = None, auth: bool = False) -> Iterator[tuple[Inbox, int]]:
    """(inbox, port). With ``tls_dir``: STARTTLS required, certificate written there."""
    inbox = Inbox()
    kw: dict[str, Any] = {}
    if tls_dir is not None:
        cert, key = self_signed(tls_dir)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        kw.update(tls_context=ctx, require_starttls=True)
    if auth:
        kw.update(authenticator=authenticate, auth_require_tls=tls_dir is not None)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


# --- tests of delivery -------------------------------------------------------------------

def message(to: str = "jordan@example.org", subject: str = "2 new MA job matches") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "majobs@clinic.example", to, subject
    msg.set_content("1. Medical Assistant - Pediatrics\n   https://jobs.example.org/p/1\n")
    return msg


@pytest.mark.parametrize(("config", "environ", "want"), [
    ({}, {}, dict(smtp_host=None, smtp_port=587, starttls=True, user=None, uses_smtp=False)),
    ({"smtp_host": "mail.example.org", "smtp_port": 2525, "smtp_starttls": False,
      "smtp_user": "u"}, {},
     dict(smtp_host="mail.example.org", smtp_port=2525, starttls=False, user="u",
          uses_smtp=True)),
    ({"smtp_host": "mail.example.org"},
     {"MAJOBS_SMTP_HOST": " relay.example.org ", "MAJOBS_SMTP_PORT": "465",
      "MAJOBS_SMTP_STARTTLS": "No", "MAJOBS_SMTP_USER": "env-user",
      "MAJOBS_SMTP_PASSWORD": "pw", "MAJOBS_ALERTS_FROM": "jobs@center.example",
      "MAJOBS_ALERTS_OUTBOX": "/var/spool/majobs"},
     dict(smtp_host="relay.example.org", smtp_port=465, starttls=False, user="env-user",
          password="pw", sender="jobs@center.example", outbox=Path("/var/spool/majobs"))),
    ({"smtp_host": "", "smtp_port": None}, {"MAJOBS_SMTP_HOST": ""},
     dict(smtp_host=None, smtp_port=587, uses_smtp=False)),
])
def test_settings_from_config_then_environment(config: dict, environ: dict, want: dict
                                               ) -> None:
    from majobs.scheduling.mail import MailSettings

    got = MailSettings.from_config(config, environ)
    assert {k: getattr(got, k) for k in want} == want


@pytest.mark.parametrize(("config", "environ", "field"), [
    ({"smtp_port": "smtp"}, {}, "MAJOBS_SMTP_PORT / alerts.smtp_port"),
    ({}, {"MAJOBS_SMTP_PORT": "70000"}, "alerts.smtp_port"),
    ({}, {"MAJOBS_SMTP_STARTTLS": "maybe"}, "MAJOBS_SMTP_STARTTLS"),
])
def test_bad_settings(config: dict, environ: dict, field: str) -> None:
    from majobs.errors import InputError
    from majobs.scheduling.mail import MailSettings

    with pytest.raises(InputError) as err:
        MailSettings.from_config(config, environ)
    assert err.value.file == field


def test_starttls_and_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from majobs.scheduling.mail import MailSettings, SmtpOutlet

    with smtp_server(tls_dir=tmp_path, auth=True) as (inbox, port):
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "smtp-cert.pem"))
        settings = MailSettings("127.0.0.1", port, starttls=True, user=USER, password=PASSWORD,
                                sender="majobs@clinic.example")
        with SmtpOutlet(settings) as outlet:   # the server refuses MAIL before STARTTLS
            assert outlet.send(message()) == f"smtp://127.0.0.1:{port}"
            outlet.send(message("sam@example.org", "1 new MA job match"))
        assert [(m[0], m[1], m[2]["Subject"]) for m in inbox.messages] == [
            ("majobs@clinic.example", ["jordan@example.org"], "2 new MA job matches"),
            ("majobs@clinic.example", ["sam@example.org"], "1 new MA job match")]
        assert "https://jobs.example.org/p/1" in inbox.messages[0][2].get_content()

        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nowhere.pem"))
        with pytest.raises(ssl.SSLCertVerificationError):   # an untrusted certificate
            SmtpOutlet(MailSettings("127.0.0.1", port, user=USER, password=PASSWORD)
                       ).__enter__()
        assert len(inbox.messages) == 2


def test_plain_smtp_with_login(tmp_path: Path) -> None:
    from majobs.scheduling.mail import MailSettings, SmtpOutlet

    with smtp_server(auth=True) as (inbox, port):
        settings = MailSettings("127.0.0.1", port, starttls=False, user=USER, password=PASSWORD)
        with SmtpOutlet(settings) as outlet:
            outlet.send(message())
        assert len(inbox.messages) == 1
        inbox.refuse.add("gone@example.org")
        with SmtpOutlet(settings) as outlet, pytest.raises(smtplib.SMTPRecipientsRefused):
            outlet.send(message("gone@example.org"))


def test_outbox_writes_whole_messages_under_distinct_names(tmp_path: Path) -> None:
    from majobs.scheduling.mail import MailSettings, OutboxOutlet, outlet_for

    outbox = tmp_path / "out" / "box"
    assert isinstance(outlet_for(MailSettings(None, outbox=outbox)), OutboxOutlet)
    with outlet_for(MailSettings(None, outbox=outbox)) as outlet:
        paths = [Path(outlet.send(message())) for _ in range(3)]
    assert len(set(paths)) == 3 and all(p.parent == outbox for p in paths)
    assert sorted(outbox.iterdir()) == sorted(paths)        # no temporary files left
    for p in paths:
        assert p.suffix == ".eml" and "jordan_example.org" in p.name
        got = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        assert got["To"] == "jordan@example.org"
        assert "Pediatrics" in got.get_content()
