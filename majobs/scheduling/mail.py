"""Delivering e-mail: over SMTP when a server is configured, else as ``.eml`` files in the
outbox directory (a laptop with no mail server still sees every digest).

Settings come from ``[alerts]`` in majobs.toml, overridden by the environment:
MAJOBS_SMTP_HOST, MAJOBS_SMTP_PORT, MAJOBS_SMTP_USER, MAJOBS_SMTP_PASSWORD,
MAJOBS_SMTP_STARTTLS (true/false), MAJOBS_ALERTS_FROM and MAJOBS_ALERTS_OUTBOX.
STARTTLS verifies the server's certificate against the system's CAs (``SSL_CERT_FILE``
names another bundle).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from majobs.errors import InputError

SMTP_TIMEOUT_S = 30
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str | None
    smtp_port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str = "majobs@localhost"
    outbox: Path = Path("majobs-outbox")

    @property
    def uses_smtp(self) -> bool:
        return bool(self.smtp_host)

    @classmethod
    def from_config(cls, alerts: Mapping[str, Any],
                    environ: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if environ is None else environ

        def pick(key: str, env_name: str) -> Any:
            value = env.get(env_name)
            return value if value not in (None, "") else alerts.get(key)

        port = pick("smtp_port", "MAJOBS_SMTP_PORT")
        try:
            port = int(port) if port not in (None, "") else 587
        except (TypeError, ValueError):
            raise InputError("MAJOBS_SMTP_PORT / alerts.smtp_port", None,
                             f"must be a port number, got {port!r}") from None
        if not 0 < port < 65536:
            raise InputError("alerts.smtp_port", None, f"must be 1-65535, got {port}")
        starttls = pick("smtp_starttls", "MAJOBS_SMTP_STARTTLS")
        if isinstance(starttls, str):
            if starttls.strip().lower() not in TRUE | FALSE:
                raise InputError("MAJOBS_SMTP_STARTTLS", None, "must be true or false")
            starttls = starttls.strip().lower() in TRUE
        host = pick("smtp_host", "MAJOBS_SMTP_HOST")
        return cls(smtp_host=str(host).strip() if host else None, smtp_port=port,
                   starttls=True if starttls is None else bool(starttls),
                   user=pick("smtp_user", "MAJOBS_SMTP_USER") or None,
                   password=pick("smtp_password", "MAJOBS_SMTP_PASSWORD") or None,
                   sender=str(pick("from", "MAJOBS_ALERTS_FROM") or "majobs@localhost"),
                   outbox=Path(str(pick("outbox", "MAJOBS_ALERTS_OUTBOX") or "majobs-outbox")))


class Outlet(Protocol):
    """Where messages go. ``send`` raises on a message that could not be delivered."""

    def send(self, message: EmailMessage) -> str: ...

    def __enter__(self) -> Outlet: ...

    def __exit__(self, *exc: object) -> None: ...


class SmtpOutlet:
    """One SMTP connection for all digests of a run."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpOutlet:
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host or "", s.smtp_port, timeout=SMTP_TIMEOUT_S)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> str:
        if self._smtp is None:
            raise RuntimeError("SmtpOutlet used outside its with block")
        self._smtp.send_message(message)
        return f"smtp://{self.settings.smtp_host}:{self.settings.smtp_port}"

    def __exit__(self, exc_type: type[BaseException] | None = None,
                 exc: BaseException | None = None, tb: TracebackType | None = None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class OutboxOutlet:
    """Each message as ``<UTC time>-<recipient>.eml``, written whole or not at all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> OutboxOutlet:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, message: EmailMessage) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        who = re.sub(r"[^A-Za-z0-9._-]+", "_", str(message.get("To", "unknown")))[:60]
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(message.as_bytes())
            for n in range(1000):   # never overwrite an earlier digest
                path = self.directory / f"{stamp}-{who}{f'-{n}' if n else ''}.eml"
                if not path.exists():
                    os.replace(tmp, path)
                    return str(path)
            raise OSError(f"no free file name in {self.directory}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def __exit__(self, *exc: object) -> None:
        return None


def outlet_for(settings: MailSettings) -> SmtpOutlet | OutboxOutlet:
    return SmtpOutlet(settings) if settings.uses_smtp else OutboxOutlet(settings.outbox)
