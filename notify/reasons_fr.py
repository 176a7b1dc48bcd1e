"""The outbox's statuses and reasons in French, for the salon's owner.

`STATUS_FR` is the one word for each status (« en attente », « échec »…): the console's
Envois page and `python -m notify --list` (and its `--help`) both show it, so an owner
who uses both reads the same words. `CHANNEL_FR` does the same for the channels
(« SMS », « WhatsApp », « e-mail »), and `kind_fr` for what each message is (« rappel »,
« annulation »…, read from its dedupe key).

The outbox stores why a message has not gone out in English (`OutboxEntry.detail`, e.g.
"not sent: Twilio not configured", "Twilio 500: Internal error (gave up after 5)"): that
text is for logs and support. Whatever shows it to the owner (the console's Envois page,
`python -m notify`) passes it through `reason_fr`, the one table of those reasons.

A reason the table does not know still reads sensibly: any other "not configured" says
that sending is not set up, "(gave up after N)" becomes « abandonné après N essais : … »,
"expired before it could be sent (last: …)" (a reminder whose appointment began, an offer
whose answer time passed, before it could go out) says it is no longer sent, and anything
else is shown as stored (a provider's own words, a code support can look up).
"""

from __future__ import annotations

import re

NOT_SENT = "not sent: "

# Outbox status -> what the owner reads (`notify.outbox.STATUSES`, in that order).
STATUS_FR = {
    "queued": "en attente",
    "sending": "en cours d'envoi",
    "sent": "envoyé",
    "failed": "échec",
    "not_sent": "non envoyé",
}
# Outbox channel -> how the owner names it (the Envois page and `python -m notify --list`).
CHANNEL_FR = {"sms": "SMS", "whatsapp": "WhatsApp", "email": "e-mail"}
# What a message is, from a word of its dedupe key (`<uid>:booked:sms`,
# `<uid>:reminder@<start>:sms`, `waitlist-offer:<id>:sms`, `sms-reply:<sid>:sms`…):
# the Envois page and `python -m notify --list` both name it so (`kind_fr`).
KIND_FR = {
    "booked": "confirmation de rendez-vous",
    "moved": "déplacement de rendez-vous",
    "cancelled": "annulation",
    "transcript": "compte rendu d'appel",
    "verify": "code de vérification",
    "reminder": "rappel",
    "offer": "proposition de créneau libéré",
    "reply": "réponse à un SMS",
    "message": "message pour le salon",
    "test": "SMS de test",
}
OTHER_KIND = "message"
_GAVE_UP = re.compile(r"(.*) \(gave up after (\d+)\)", re.S)
_EXPIRED = re.compile(r"expired before it could be sent(?: \(last: (.*)\))?", re.S)
EXPIRED_FR = (
    "plus envoyé, il serait arrivé trop tard (un rappel après l'heure du rendez-vous, "
    "une proposition après son délai de réponse)"
)

# (English reason, its French words) — the first pattern that matches the whole reason
# wins, so the specific ones come before the general ones of the same provider.
REASONS_FR: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Twilio not configured"),
        "Twilio n'est pas configuré (TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)",
    ),
    (
        re.compile(r"Twilio SMS sender not configured"),
        "l'expéditeur des SMS n'est pas réglé (TWILIO_SMS_FROM ou "
        "TWILIO_MESSAGING_SERVICE_SID dans .env, ou sms_sender dans salon.toml)",
    ),
    (
        re.compile(r"Twilio WhatsApp sender not configured"),
        "l'expéditeur WhatsApp n'est pas réglé (TWILIO_WHATSAPP_FROM dans .env)",
    ),
    (
        re.compile(r"outside the WhatsApp 24-hour window and no template.*", re.S),
        "le client n'a pas écrit au salon sur WhatsApp depuis plus de 24 h et aucun modèle "
        "approuvé n'est réglé (TWILIO_WHATSAPP_CONTENT_SID dans .env)",
    ),
    (
        re.compile(r"Twilio (40[13])(?: \(\d+\))?: .*|Twilio (\d+) \(20003\): .*", re.S),
        r"Twilio refuse les identifiants du salon (erreur \1\2) : vérifiez "
        r"TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env",
    ),
    (
        re.compile(r"Twilio \d+ \((21211)\): .*", re.S),
        r"ce numéro n'est pas valide selon Twilio (code \1)",
    ),
    (
        re.compile(r"Twilio \d+ \((21614)\): .*", re.S),
        r"ce numéro n'est pas un portable, il ne peut pas recevoir de SMS (Twilio, code \1)",
    ),
    (
        re.compile(r"Twilio \d+ \((21610)\): .*", re.S),
        r"le client a demandé à ne plus recevoir de SMS du salon (STOP ; Twilio, code \1)",
    ),
    (
        re.compile(r"Twilio 429(?: \(\d+\))?: .*|Twilio \d+ \(20429\): .*", re.S),
        "Twilio limite le nombre d'envois pour le moment (trop de messages d'un coup)",
    ),
    (
        re.compile(r"Twilio (5\d\d)(?: \(\d+\))?: .*", re.S),
        r"Twilio a un problème de son côté (erreur \1)",
    ),
    (
        re.compile(r"Twilio 0: (.*)", re.S),
        r"la connexion à Twilio a échoué (\1)",
    ),
    (
        re.compile(r"Twilio (\d+) \((\d+)\): (.*)", re.S),
        r"Twilio a refusé le message (erreur \1, code \2 : « \3 »)",
    ),
    (
        re.compile(r"Twilio (\d+): (.*)", re.S),
        r"Twilio a refusé le message (erreur \1 : « \2 »)",
    ),
    (re.compile(r"cannot reach Twilio"), "Twilio est injoignable (connexion Internet ?)"),
    (re.compile(r"Twilio did not answer in time"), "Twilio n'a pas répondu à temps"),
    (
        re.compile(r"Twilio connection failed: (.*)", re.S),
        r"la connexion à Twilio a été coupée (\1)",
    ),
    (
        re.compile(r"cannot check Twilio after an uncertain send"),
        "Twilio n'a pas pu dire si l'envoi précédent, resté sans réponse, est bien parti",
    ),
    (
        re.compile(r"SMTP not configured"),
        "l'envoi des e-mails n'est pas configuré (SMTP_HOST et SMTP_FROM dans .env)",
    ),
    (
        re.compile(r"SMTP (\d+): login refused"),
        r"le serveur d'e-mails refuse l'identifiant du salon (SMTP \1) : vérifiez "
        r"SMTP_USERNAME et SMTP_PASSWORD dans .env",
    ),
    (
        re.compile(r"SMTP server does not support STARTTLS.*", re.S),
        "le serveur d'e-mails ne prend pas STARTTLS : mettez SMTP_STARTTLS=false dans .env",
    ),
    (
        re.compile(r"SMTP (\d+): recipient refused"),
        r"le serveur d'e-mails refuse l'adresse du destinataire (SMTP \1)",
    ),
    (
        re.compile(r"SMTP connection failed: (.*)", re.S),
        r"le serveur d'e-mails est injoignable (\1) : vérifiez SMTP_HOST et SMTP_PORT dans .env",
    ),
    (
        re.compile(r"SMTP (\d+): (.*)", re.S),
        r"le serveur d'e-mails a refusé le message (SMTP \1 : « \2 »)",
    ),
    (
        re.compile(r"unexpected (\w+)"),
        r"erreur inattendue (\1) : les détails sont dans le journal",
    ),
]


def kind_fr(dedupe_key: str) -> str:
    """What a message is, in the owner's words (`KIND_FR`), from its dedupe key: the
    first part of the key naming a kind (`reminder@…` reads `reminder`, `waitlist-offer`
    and `sms-reply` their last word); « message » for a key naming none."""
    for part in dedupe_key.split(":"):
        word = part.split("@", 1)[0]
        for candidate in (word, word.rsplit("-", 1)[-1]):
            if candidate in KIND_FR:
                return KIND_FR[candidate]
    return OTHER_KIND


def reason_fr(detail: str | None) -> str:
    """The outbox's stored reason (`OutboxEntry.detail`) as the owner reads it; "" for none.

    The "not sent: " mark is dropped (the status says it); a reason the table does not
    know is shown as stored, framed in French where its shape is known."""
    text = (detail or "").strip().removeprefix(NOT_SENT)
    if not text:
        return ""
    if expired := _EXPIRED.fullmatch(text):
        last = reason_fr(expired[1])
        return f"{EXPIRED_FR} ; dernière raison : {last}" if last else EXPIRED_FR
    if gave_up := _GAVE_UP.fullmatch(text):
        tries = int(gave_up[2])
        return f"abandonné après {tries} essai{'s' if tries > 1 else ''} : {reason_fr(gave_up[1])}"
    for pattern, french in REASONS_FR:
        if found := pattern.fullmatch(text):
            return found.expand(french)
    if "not configured" in text:
        return "l'envoi n'est pas configuré (Twilio ou SMTP)"
    return text
