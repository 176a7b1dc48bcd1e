"""`salon.toml` as searchable facts: contact and access, hours, closures, services, team.

The profile is the authority for structured facts; indexing it too means a question like
"vous êtes ouverts le lundi ?" is answered from the same source the agent books from.
Every sentence is in French words a caller would use ("le mardi de 9h30 à 19h").
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ingest.document import Document, LoadError
from salon.french import day_words, price_words, time_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Interval, ProfileError, parse_profile


def _spans(intervals: tuple[Interval, ...]) -> str:
    return " et ".join(f"de {time_words(a)} à {time_words(b)}" for a, b in intervals)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def _phone(number: str) -> str:
    """+33478421890 → 04 78 42 18 90 (French numbers only; others unchanged)."""
    digits = number.replace(" ", "")
    if digits.startswith("+33") and len(digits) == 12:
        local = "0" + digits[3:]
        return " ".join(local[i : i + 2] for i in range(0, 10, 2))
    return number


def load_profile_doc(path: Path) -> Document:
    """Read `salon.toml` into a `Document` of structured facts; `LoadError` if invalid."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
        profile = parse_profile(data, path)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LoadError(f"not valid UTF-8 TOML: {exc}") from exc
    except ProfileError as exc:
        raise LoadError(f"invalid salon profile: {exc}") from exc
    doc = Document(title=f"{profile.name} — fiche du salon")

    doc.heading("Adresse, accès et contact", 1, kind="other")
    doc.text(f"{profile.name}, {profile.address}.")
    if profile.access:
        doc.text(f"Accès : {profile.access}")
    contact = [f"Téléphone : {_phone(profile.phone)}."]
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
            lines.append(f"Le {day} : ouvert {_spans(spans)}.")
        else:
            closed.append(day)
    doc.text(" ".join(lines))
    if closed:
        doc.text(f"Le salon est fermé le {' et le '.join(closed)}.")
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
                doc.text(f"Le {when} : ouvert {_spans(s.hours)}{why}.")
            else:
                doc.text(f"Le {when} : fermé{why}.")

    categories: dict[str, list[str]] = {}
    for svc in profile.services:
        row = f"{svc.name} — {_duration(svc.duration)} — {price_words(svc.price, from_price=svc.price_from)}"
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

    if profile.payment:
        doc.heading("Moyens de paiement", 1, kind="policy")
        doc.text(f"Moyens de paiement acceptés : {', '.join(profile.payment)}.")
    return doc
