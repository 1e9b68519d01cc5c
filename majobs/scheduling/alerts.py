"""Candidate alerts: one digest per candidate of their new matches above a score threshold.

After the cohort is matched, every candidate with alerts on (profile ``alerts: {email,
min_score}``) gets one message listing the matches of the latest run that were never sent
to them (``Match.alerted_at``), best first. Matches are marked sent only once delivered,
so a failed delivery is retried next run and a posting never reaches a candidate twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import Engine

from majobs.db import alerts_store, match_store
from majobs.db.alerts_store import PendingMatch, Subscriber
from majobs.db.engine import session_factory
from majobs.db.types import utcnow
from majobs.scheduling.mail import MailSettings, outlet_for

log = logging.getLogger(__name__)
# Refusals of one message; anything else (connection, login, disk) stops the run's sending.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                  smtplib.SMTPDataError, ValueError)


@dataclass
class Digest:
    subscriber: Subscriber
    min_score: float
    items: list[tuple[PendingMatch, dict[str, Any]]]   # (match, posting as exported)


@dataclass
class DigestReport:
    delivery: str                                       # smtp | outbox
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"delivery": self.delivery, "digests": len(self.sent),
                "postings": sum(len(s["postings"]) for s in self.sent),
                "sent": self.sent, "failed": self.failed}


def _money(value: float, currency: str | None) -> str:
    sign = "$" if (currency or "USD") == "USD" else f"{currency} "
    return f"{sign}{value:,.2f}" if value < 1000 else f"{sign}{value:,.0f}"


def pay_text(pay: Mapping[str, Any] | None) -> str | None:
    """"$18.00-$22.50 an hour" from the export's pay dict; None when not stated."""
    if not pay or (pay.get("min") is None and pay.get("max") is None):
        return None
    lo, hi, cur = pay.get("min"), pay.get("max"), pay.get("currency")
    amount = _money(lo, cur) if hi is None or hi == lo else \
        _money(hi, cur) if lo is None else f"{_money(lo, cur)}-{_money(hi, cur)}"
    per = {"hour": " an hour", "year": " a year"}.get(str(pay.get("period")), "")
    return amount + per


def _place(posting: Mapping[str, Any]) -> str | None:
    loc = posting.get("location") or {}
    where = ", ".join(p for p in (loc.get("city"), loc.get("state")) if p)
    if posting.get("remote"):
        return f"remote ({where})" if where else "remote"
    return where or None


def digest_text(digest: Digest) -> str:
    name = digest.subscriber.name
    n = len(digest.items)
    lines = [f"Hello {name},", "",
             f"{n} new medical assistant job {'posting matches' if n == 1 else 'postings match'}"
             " your profile:", ""]
    for i, (match, posting) in enumerate(digest.items, start=1):
        title = posting.get("title") or "(untitled)"
        employer = posting.get("employer")
        lines.append(f"{i}. {title}" + (f" - {employer}" if employer else ""))
        facts = [_place(posting), pay_text(posting.get("pay"))]
        miles = match.explanation.get("distance_miles")
        if isinstance(miles, int | float):
            facts.append(f"{miles:.0f} miles away")
        facts.append(f"match {match.score:.0%}")
        lines.append("   " + " | ".join(f for f in facts if f))
        for label, key in (("You have", "matched"), ("Asks for", "missing")):
            ids = match.explanation.get(key)
            if isinstance(ids, list) and ids:
                lines.append(f"   {label}: {', '.join(str(x) for x in ids)}")
        urls = posting.get("urls") or []
        if urls:
            lines.append(f"   {urls[0]}")
        lines.append("")
    lines += [f"These are new matches scoring at least {digest.min_score:.0%}; each posting is "
              "sent to you once.",
              "To stop these e-mails, remove 'alerts' from your majobs profile or ask your "
              "career center.", ""]
    return "\n".join(lines)


def compose(digest: Digest, sender: str, now: datetime | None = None) -> EmailMessage:
    """The digest as a plain-text message (raises ValueError on an unusable address)."""
    sub = digest.subscriber
    try:
        to = Address(display_name=sub.name, addr_spec=sub.email)
    except Exception as exc:   # email's parser raises several types for a bad address
        raise ValueError(f"unusable e-mail address {sub.email!r}: {exc}") from None
    n = len(digest.items)
    msg = EmailMessage()
    msg["Subject"] = f"{n} new MA job match{'' if n == 1 else 'es'} for {sub.name}"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(now or utcnow())
    msg["Message-ID"] = make_msgid(domain="majobs")
    msg.set_content(digest_text(digest))
    return msg


def plan_digests(engine: Engine, default_min: float) -> list[Digest]:
    """Who gets a digest now, with what (read only)."""
    out: list[Digest] = []
    with session_factory(engine, readonly=True).begin() as session:
        for sub in alerts_store.subscribers(session):
            threshold = sub.min_score if sub.min_score is not None else default_min
            pending = alerts_store.pending_matches(session, sub.candidate_id, threshold)
            if not pending:
                continue
            described = match_store.describe_postings(session, [p.posting_id for p in pending])
            items = [(p, described[p.posting_id]) for p in pending if p.posting_id in described]
            out.append(Digest(sub, threshold, items))
    return out


def send_digests(engine: Engine, alerts_cfg: Mapping[str, Any], *,
                 environ: Mapping[str, str] | None = None,
                 now: datetime | None = None) -> DigestReport:
    """Send every pending digest; a report of what went where and what failed."""
    settings = MailSettings.from_config(alerts_cfg, environ)
    report = DigestReport("smtp" if settings.uses_smtp else "outbox")
    digests = plan_digests(engine, float(alerts_cfg.get("min_score", 0.6)))
    if not digests:
        return report     # no connection, no outbox directory
    done = 0
    try:
        with outlet_for(settings) as outlet:
            for digest in digests:
                sub = digest.subscriber
                try:
                    where = outlet.send(compose(digest, settings.sender, now))
                except MESSAGE_ERRORS as exc:
                    report.failed.append({"candidate": sub.name, "error": str(exc)})
                    done += 1
                    continue
                with session_factory(engine).begin() as session:
                    alerts_store.mark_alerted(session, [m.match_id for m, _ in digest.items], now)
                report.sent.append({"candidate": sub.name, "to": sub.email, "where": where,
                                    "postings": [m.posting_id for m, _ in digest.items]})
                done += 1
    except (smtplib.SMTPException, OSError) as exc:
        log.error("alerts: delivery stopped: %s", exc)
        for digest in digests[done:]:
            report.failed.append({"candidate": digest.subscriber.name,
                                  "error": f"not delivered: {exc}"})
    return report
