"""Unit tier: the outbox's stored (English) reasons read in French by the owner, through
`notify.reasons_fr.reason_fr`, the one table the console and `python -m notify` share.
Reasons the table does not know keep the console's fallbacks. Its statuses have one word
each (`STATUS_FR`), the same for both."""

from __future__ import annotations

import pytest

from notify.base import Channel
from notify.email_smtp import SmtpNotifier, SmtpOptions
from notify.outbox import STATUSES
from notify.reasons_fr import STATUS_FR, reason_fr
from notify.twilio_messages import PERMANENT_CODES, TwilioNotifier, TwilioOptions

ENGLISH = ("not sent", "not configured", "gave up", "cannot", "failed", "refused", "Internal")


@pytest.mark.parametrize(
    ("stored", "says"),
    [
        (
            "not sent: Twilio not configured",
            "Twilio n'est pas configuré (TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)",
        ),
        (
            "not sent: SMTP not configured",
            "l'envoi des e-mails n'est pas configuré (SMTP_HOST et SMTP_FROM dans .env)",
        ),
        (
            "not sent: Twilio 401 (20003): Authenticate",
            "Twilio refuse les identifiants du salon (erreur 401) : vérifiez "
            "TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env",
        ),
        (
            "Twilio 400 (21211): invalid number",
            "ce numéro n'est pas valide selon Twilio (code 21211)",
        ),
        (
            "Twilio 500: Internal Server Error (gave up after 4)",
            "abandonné après 4 essais : Twilio a un problème de son côté (erreur 500)",
        ),
        (
            "cannot reach Twilio (gave up after 1)",
            "abandonné après 1 essai : Twilio est injoignable (connexion Internet ?)",
        ),
        (
            "not sent: SMTP 535: login refused",
            "le serveur d'e-mails refuse l'identifiant du salon (SMTP 535) : vérifiez "
            "SMTP_USERNAME et SMTP_PASSWORD dans .env",
        ),
        (
            "SMTP 550: recipient refused",
            "le serveur d'e-mails refuse l'adresse du destinataire (SMTP 550)",
        ),
        # too late to be of use (a reminder past its appointment), with the last reason
        (
            "expired before it could be sent (last: cannot reach Twilio)",
            "plus envoyé, il serait arrivé trop tard (un rappel après l'heure du rendez-vous, "
            "une proposition après son délai de réponse) ; dernière raison : Twilio est "
            "injoignable (connexion Internet ?)",
        ),
        (
            "expired before it could be sent",
            "plus envoyé, il serait arrivé trop tard (un rappel après l'heure du rendez-vous, "
            "une proposition après son délai de réponse)",
        ),
        # the provider's own words stay quoted, framed in French
        (
            "Twilio 400 (30001): Queue overflow",
            "Twilio a refusé le message (erreur 400, code 30001 : « Queue overflow »)",
        ),
        # unknown reasons: the console's fallbacks
        ("not sent: Carrier pigeon not configured", "l'envoi n'est pas configuré (Twilio ou SMTP)"),
        ("Fax line busy", "Fax line busy"),
        ("Fax line busy (gave up after 3)", "abandonné après 3 essais : Fax line busy"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_stored_reason_reads_in_french(stored: str | None, says: str) -> None:
    assert reason_fr(stored) == says


def _every_not_configured_reason() -> list[str]:
    """What the real notifiers answer for each missing setting, as the outbox stores it."""
    full = {"account_sid": "AC1", "auth_token": "t", "sms_from": "MMargaux",
            "whatsapp_from": "whatsapp:+33612345678"}  # fmt: skip
    cases: list[tuple[dict[str, str], Channel]] = [
        ({}, "sms"),
        ({**full, "sms_from": ""}, "sms"),
        ({**full, "whatsapp_from": ""}, "whatsapp"),
    ]
    reasons = [TwilioNotifier(TwilioOptions(**o)).not_configured_reason(c) for o, c in cases]
    reasons.append(SmtpNotifier(SmtpOptions()).not_configured_reason("email"))
    return [f"not sent: {r}" for r in reasons if r]


def test_every_missing_setting_the_notifiers_report_has_its_own_french_words() -> None:
    reasons = _every_not_configured_reason()
    assert len(reasons) == 4
    french = [reason_fr(r) for r in reasons]
    assert len(set(french)) == 4  # none falls back to the generic words
    for words in french:
        assert " dans .env" in words, words
        assert not [w for w in ENGLISH if w in words], words


@pytest.mark.parametrize(("code", "label"), sorted(PERMANENT_CODES.items()))
def test_each_permanent_twilio_refusal_is_said_in_french_with_its_code(
    code: int, label: str
) -> None:
    words = reason_fr(f"Twilio 400 ({code}): {label}")
    assert f"code {code}" in words and label not in words


def test_every_outbox_status_has_one_french_word_in_the_outbox_order() -> None:
    assert list(STATUS_FR) == list(STATUSES)
    assert STATUS_FR == {
        "queued": "en attente",
        "sending": "en cours d'envoi",
        "sent": "envoyé",
        "failed": "échec",
        "not_sent": "non envoyé",
    }
