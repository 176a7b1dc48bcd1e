"""The end-of-call report the salon receives by e-mail, in French, and its queuing.

`transcript_email(record, profile)` writes (subject, body); `queue_transcript_email`
puts it in the outbox once per call, for `TRANSCRIPT_EMAIL` or the salon's address.
"""

from __future__ import annotations

from notify.outbox import Outbox
from notify.records import Enqueued
from notify.service import transcript_recipient
from records.types import CallRecord
from salon.french import agree, day_words, time_words
from salon.phone import display
from salon.profile import SalonProfile

INTENT_FR = {
    "booking": "prise de rendez-vous",
    "change": "modification de rendez-vous",
    "cancel": "annulation de rendez-vous",
    "question": "question",
    "other": "autre demande",
}
OUTCOME_FR = {
    "answered": "renseignement donné",
    "booked": "rendez-vous pris",
    "changed": "rendez-vous déplacé",
    "cancelled": "rendez-vous annulé",
    "transferred": "appel transféré au salon",
    "message": "message à traiter",
    "abandoned": "appel interrompu",
    "failed": "appel non traité (panne de l'assistante), à rappeler",
}
ROLE_FR = {"caller": "Appelant", "agent": "Assistante"}
# The receptionist's tools (agent/tools.py, slot_tools.py, returning_client.py,
# waitlist_tool.py) as the owner reads them in « Actions » (the e-mail and the console's
# call page). A tool is noted when the agent calls it, before it succeeds or is refused,
# so each label names what was tried; « Issue » says how the call ended.
ACTIONS_FR = {
    "check_availability": "aperçu des disponibilités",
    "usual_appointment": "recherche du rendez-vous habituel",
    "find_slots": "recherche de créneaux",
    "book_appointment": "prise de rendez-vous",
    "find_my_appointment": "recherche d'un rendez-vous de l'appelant",
    "send_verification_code": "envoi d'un code de vérification par SMS",
    "verify_code": "vérification du code",
    "reschedule_appointment": "déplacement de rendez-vous",
    "cancel_appointment": "annulation de rendez-vous",
    "join_waitlist": "inscription sur la liste d'attente",
    "transfer_to_human": "transfert vers le salon",
    "take_message": "prise de message",
    "end_call": "fin de l'appel",
}


def actions_words(tools_used: list[str]) -> list[str]:
    """The tools a call used, each once in the order first used, in French
    (`ACTIONS_FR`); a name the table does not know is kept as is."""
    return [ACTIONS_FR.get(name, name) for name in dict.fromkeys(tools_used)]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "durée inconnue"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def transcript_email(record: CallRecord, profile: SalonProfile) -> tuple[str, str]:
    """(subject, body) of the e-mail the salon receives after a call, in French."""
    tz = profile.timezone
    start = record.started_at.astimezone(tz)
    outcome = OUTCOME_FR.get(record.outcome, record.outcome)
    subject = (
        f"Appel du {day_words(start.date())} à {time_words(start)} : {outcome} "
        f"({display(record.caller)})"
    )
    lines = [
        "Bonjour,",
        "",
        f"Voici le compte rendu d'un appel reçu par l'assistante téléphonique de {profile.name}.",
        "",
        f"Date : {day_words(start.date())} {start.year} à {time_words(start)} "
        f"({_duration(record.duration_seconds)})",
        f"Appelant : {display(record.caller)}",
        f"Demande : {INTENT_FR.get(record.intent or '', 'non déterminée')}",
        f"Issue : {outcome}",
    ]
    if record.failure:
        lines.append(f"Incident : {record.failure}")
    if record.tools_used:
        lines.append(f"Actions de l'assistante : {', '.join(actions_words(record.tools_used))}")
    if record.messages:
        lines += ["", f"{agree(len(record.messages), 'Message')} à traiter :"]
        for msg in record.messages:
            who = msg.caller_name or "appelant sans nom"
            back = display(msg.callback_number or record.caller)
            lines.append(f"- De {who}, à rappeler au {back} : « {msg.text} »")
    if record.knowledge_gaps:
        lines += ["", "Questions restées sans réponse (à ajouter aux documents du salon) :"]
        lines += [f"- {q}" for q in record.knowledge_gaps]
    lines += ["", "Transcription :"]
    if not record.transcript:
        lines.append("(aucune parole enregistrée)")
    for line in record.transcript:
        at = line.at.astimezone(tz).strftime("%H:%M:%S ") if line.at else ""
        lines.append(f"{at}{ROLE_FR.get(line.role, line.role)} : {line.text}")
    lines += [
        "",
        "--",
        f"Message automatique de l'assistante téléphonique de {profile.name}.",
        "Il contient des données personnelles : ne le transférez pas hors du salon.",
    ]
    return subject, "\n".join(lines) + "\n"


async def queue_transcript_email(
    outbox: Outbox,
    *,
    record: CallRecord,
    profile: SalonProfile,
    call_id: str,
    to: str | None = None,
) -> Enqueued | None:
    """Queue the end-of-call e-mail once per call; None when no recipient is set
    (`TRANSCRIPT_EMAIL=off`, or neither it nor the salon's `salon_email`)."""
    recipient = to or transcript_recipient(profile)
    if not recipient:
        return None
    subject, body = transcript_email(record, profile)
    return await outbox.enqueue(
        channel="email",
        to=recipient,
        subject=subject,
        body=body,
        dedupe_key=f"{call_id}:transcript:email",
    )
