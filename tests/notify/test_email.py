"""Integration tier: e-mail through a real local SMTP server (aiosmtpd), with refusals."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from notify.service import transcript_recipient
from records.report import queue_transcript_email
from records.types import CallRecord, TranscriptLine
from salon.profile import SalonProfile
from tests.notify.conftest import make_outbox
from tests.stubs.smtp import SmtpServer


async def _queue_and_drain(db_path: Path, smtp: SmtpServer | None, *, wait: float = 0.0):
    outbox = make_outbox(db_path, smtp=smtp)
    await outbox.enqueue(
        channel="email",
        to="gerante@example.fr",
        subject="Appel du jeudi 3 décembre à 14h30",
        body="Résumé : rendez-vous pris.\nTranscription : …",
        dedupe_key="CA1:transcript:email",
    )
    report = await outbox.drain(max_wait=wait)
    return outbox, report


async def test_an_email_is_delivered_with_its_french_subject_and_body(
    db_path: Path, smtp_server: SmtpServer
) -> None:
    outbox, report = await _queue_and_drain(db_path, smtp_server)
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Appel du jeudi 3 décembre à 14h30"
    assert mail["To"] == "gerante@example.fr" and mail["From"] == "salon@example.fr"
    assert "Résumé : rendez-vous pris." in mail.get_content()
    entry = outbox.get("CA1:transcript:email")
    assert report.sent == 1 and entry is not None and entry.status == "sent"
    assert entry.provider_id == str(mail["Message-ID"]).strip()


async def test_a_550_refusal_is_permanent_and_recorded(
    db_path: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse_next(550)
    outbox, report = await _queue_and_drain(db_path, smtp_server, wait=1)
    entry = outbox.get("CA1:transcript:email")
    assert entry is not None and entry.status == "failed" and entry.error_code == 550
    assert "recipient refused" in (entry.detail or "") and entry.attempts == 1
    assert smtp_server.messages == [] and report.failed == 1


async def test_a_temporary_451_is_retried_and_delivered_once(
    db_path: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse_next(451, times=2)
    outbox, report = await _queue_and_drain(db_path, smtp_server, wait=2)
    entry = outbox.get("CA1:transcript:email")
    assert entry is not None and entry.status == "sent" and entry.attempts == 3
    assert len(smtp_server.messages) == 1


async def test_an_unreachable_server_keeps_the_email_queued(db_path: Path) -> None:
    dead = SmtpServer()  # never started: the port refuses connections
    outbox, report = await _queue_and_drain(db_path, dead)
    entry = outbox.get("CA1:transcript:email")
    assert entry is not None and entry.status == "queued"
    assert "SMTP connection failed" in (entry.detail or "") and report.retry_later == 1


async def test_without_smtp_settings_the_email_is_kept_not_sent(db_path: Path) -> None:
    outbox, _ = await _queue_and_drain(db_path, None)
    entry = outbox.get("CA1:transcript:email")
    assert entry is not None and entry.status == "not_sent"
    assert entry.detail == "not sent: SMTP not configured"


async def test_the_transcript_email_goes_once_per_call_to_the_salon(
    db_path: Path, smtp_server: SmtpServer, profile: SalonProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSCRIPT_EMAIL", raising=False)
    outbox = make_outbox(db_path, smtp=smtp_server)
    record = CallRecord(
        call_sid="CA42",
        caller="+33612345678",
        started_at=datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone),
        outcome="booked",
        transcript=[TranscriptLine("caller", "Bonjour"), TranscriptLine("agent", "Bonjour !")],
    )
    for _ in range(2):
        await queue_transcript_email(outbox, record=record, profile=profile, call_id="CA42")
        await outbox.drain()
    [mail] = smtp_server.messages
    assert mail["To"] == profile.salon_email
    assert "Appelant : Bonjour" in mail.get_content()
    assert mail["Subject"].startswith("Appel du jeudi 3 décembre à 14h30")


def test_transcript_email_off_means_no_email_and_blank_means_the_salon_address(
    profile: SalonProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSCRIPT_EMAIL", "off")
    assert transcript_recipient(profile) is None
    monkeypatch.setenv("TRANSCRIPT_EMAIL", "  ")
    assert transcript_recipient(profile) == profile.salon_email
    monkeypatch.setenv("TRANSCRIPT_EMAIL", "patron@example.fr")
    assert transcript_recipient(profile) == "patron@example.fr"


async def test_starttls_against_a_server_without_it_keeps_the_email_with_a_clear_reason(
    db_path: Path, smtp_server: SmtpServer
) -> None:
    from notify.email_smtp import SmtpNotifier, SmtpOptions
    from notify.outbox import Outbox
    from salon import state_db

    options = SmtpOptions(
        host=smtp_server.host, port=smtp_server.port, starttls=True, sender="salon@example.fr"
    )
    outbox = Outbox(notifiers=[SmtpNotifier(options)], conn=state_db.connect(db_path))
    await outbox.enqueue(channel="email", to="a@example.fr", body="x", dedupe_key="k:email")
    await outbox.drain()
    entry = outbox.get("k:email")
    assert entry is not None and entry.status == "not_sent"
    assert "SMTP_STARTTLS=false" in (entry.detail or "")
    assert smtp_server.messages == []
