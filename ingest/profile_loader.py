"""`salon.toml` as searchable facts: contact and access, hours, closures, services, team.

The profile is the authority for structured facts; indexing it too means a question like
"vous êtes ouverts le lundi ?" is answered from the same source the agent books from.
Every sentence is in French words a caller would use ("le mardi de 9h30 à 19h").

A `salon.toml` that does not load as a profile (a TOML typo, a price written as text) is
not indexed at all: read as loose "key : value" lines it would hide the salon's own facts
behind raw English field names. `scripts/reindex` refuses such a file before reading
anything (`kb.indexer.InvalidProfile`); here it is the file's error, in the owner's French.
"""

from __future__ import annotations

from pathlib import Path

from ingest.document import Document, LoadError
from salon.french import day_words, duration_words, price_words, spans_words
from salon.phone import display as display_phone
from salon.profile import (
    WEEKDAYS,
    WEEKDAYS_FR,
    ProfileError,
    SalonProfile,
    TeamMember,
    greeting_warnings,
    parse_profile,
    read_profile_data,
)
from salon.team import team_warnings


def load_profile_doc(path: Path) -> Document:
    """Read `salon.toml` into a `Document` of structured facts; `LoadError` if it does not
    load as a profile (its reason: `invalid salon profile: ` and the French detail, without
    the path the report already names)."""
    try:
        data = read_profile_data(path)
        profile = parse_profile(data, path)
    except ProfileError as exc:
        detail = str(exc).removeprefix(f"{path} : ")
        raise LoadError(f"invalid salon profile: {detail}") from exc
    doc = Document(title=f"{profile.name} — fiche du salon")
    doc.warnings.extend(greeting_warnings(profile))
    doc.warnings.extend(team_warnings(profile))

    doc.heading("Adresse, accès et contact", 1, kind="other")
    doc.text(f"{profile.name}, {profile.address}.")
    if profile.access:
        doc.text(f"Accès : {profile.access}")
    contact = [f"Téléphone : {display_phone(profile.phone)}."]
    if profile.email:
        contact.append(f"E-mail : {profile.email}.")
    if profile.website:
        contact.append(f"Site internet : {profile.website}.")
    doc.text(" ".join(contact))

    doc.heading("Horaires d'ouverture", 1, kind="hours")
    lines = []
    closed = []
    for key, day in zip(WEEKDAYS, WEEKDAYS_FR, strict=True):
        spans = profile.hours[key]
        if spans:
            lines.append(f"Le {day} : ouvert {spans_words(spans)}.")
        else:
            closed.append(day)
    doc.text(" ".join(lines))
    if closed:
        days = [f"le {d}" for d in closed]
        listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} et {days[-1]}"
        doc.text(f"Le salon est fermé {listed}.")
    if profile.closed_on_public_holidays:
        doc.text("Le salon est fermé les jours fériés.")

    if profile.closures or profile.special_hours:
        doc.heading("Fermetures exceptionnelles et horaires spéciaux", 1, kind="hours")
        for c in profile.closures:
            why = f" ({c.reason})" if c.reason else ""
            if c.start == c.end:
                doc.text(f"Fermé le {day_words(c.start)} {c.start.year}{why}.")
            else:
                doc.text(
                    f"Fermé du {day_words(c.start)} {c.start.year} au "
                    f"{day_words(c.end)} {c.end.year}{why}."
                )
        for s in profile.special_hours:
            why = f" ({s.reason})" if s.reason else ""
            when = f"{day_words(s.day)} {s.day.year}"
            if s.hours:
                doc.text(f"Le {when} : ouvert {spans_words(s.hours)}{why}.")
            else:
                doc.text(f"Le {when} : fermé{why}.")

    categories: dict[str, list[str]] = {}
    for svc in profile.services:
        row = f"{svc.name} — {duration_words(svc.duration, short=True)} — {price_words(svc.price, from_price=svc.price_from)}"
        categories.setdefault(svc.category or "Autres prestations", []).append(row)
    doc.heading("Prestations et tarifs", 1, kind="price")
    for category, rows in categories.items():
        doc.heading(category, 2)
        for row in rows:
            doc.row([row])

    if profile.team:
        doc.heading("L'équipe", 1, kind="other")
        for member in profile.team:
            special = (
                f" ; spécialités : {', '.join(member.specialities)}" if member.specialities else ""
            )
            doc.text(f"{member.name}, {member.role}{special}.")
            for line in _member_lines(profile, member):
                doc.text(line)

    if profile.payment:
        doc.heading("Moyens de paiement", 1, kind="policy")
        doc.text(f"Moyens de paiement acceptés : {', '.join(profile.payment)}.")

    extra = {k: v for k, v in data.get("salon", {}).items() if k not in _KNOWN_SALON_KEYS}
    lines = [_fact(k, v) for k, v in extra.items()]
    if any(lines):
        doc.heading("Autres informations", 1)
        for line in lines:
            if line:
                doc.text(line)
    _plain_tables(doc, data, skip=_KNOWN_TABLES)
    return doc


def _member_lines(profile: SalonProfile, member: TeamMember) -> list[str]:
    """A stylist's week, absences and services, in French, for questions such as « Chloé
    travaille le jeudi ? » or « qui fait les couleurs ? »."""
    if not member.books:
        return [f"{member.first_name} ne prend pas de rendez-vous."]
    lines = []
    if member.hours is not None:
        days, off = [], []
        for key, name in zip(WEEKDAYS, WEEKDAYS_FR, strict=True):
            if not profile.hours[key]:
                continue
            own = member.hours[key]
            if own:
                days.append(f"le {name} {spans_words(own)}")
            else:
                off.append(name)
        text = f"{member.first_name} travaille " + ", ".join(days)
        if off:
            text += f" ; {member.first_name} ne travaille pas le " + " ni le ".join(off)
        lines.append(text + ".")
    for absence in member.absences:
        reason = f" ({absence.reason})" if absence.reason else ""
        lines.append(
            f"{member.first_name} n'est pas au salon du {day_words(absence.start)} "
            f"{absence.start.year} au {day_words(absence.end)} {absence.end.year}{reason}."
        )
    if member.services is not None:
        names = []
        for category in dict.fromkeys(s.category for s in profile.services if s.bookable):
            ids = [s.id for s in profile.services if s.bookable and s.category == category]
            if category and all(i in member.services for i in ids):
                names.append(category)
            else:
                names.extend(
                    s.name for s in profile.services if s.id in member.services and s.id in ids
                )
        if names:
            lines.append(f"Prestations que fait {member.first_name} : {', '.join(names)}.")
    return lines


_KNOWN_TABLES = {"salon", "greeting", "hours", "closures", "special_hours", "team", "services"}
_KNOWN_SALON_KEYS = {
    "id", "name", "short_name", "address", "access", "phone", "email", "website", "timezone",
    "transfer_number", "sms_sender", "salon_email", "chairs", "slot_step_minutes",
    "closed_on_public_holidays", "holidays_subdivision", "payment",
}  # fmt: skip


def _label(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return " ; ".join(f"{_label(str(k))} : {_value(v)}" for k, v in value.items())
    return str(value)


def _fact(key: str, value: object) -> str:
    text = _value(value).strip()
    return (
        f"{_label(key)} : {text}."
        if text and not text.endswith(".")
        else (f"{_label(key)} : {text}" if text else "")
    )


def _plain_tables(doc: Document, data: dict, *, skip: set[str]) -> None:
    """Index tables the profile does not model (e.g. `[policies]`) as "Key : value" lines."""
    for key, value in data.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            doc.heading(_label(key), 1)
            for sub, item in value.items():
                if isinstance(item, dict):
                    doc.heading(_label(sub), 2)
                    for k, v in item.items():
                        doc.text(_fact(k, v))
                else:
                    doc.text(_fact(sub, item))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            doc.heading(_label(key), 1)
            for item in value:
                doc.text(" ; ".join(_fact(k, v).rstrip(".") for k, v in item.items()) + ".")
