"""The team in `salon.toml`: who takes appointments, for which services, on which days.

`[[team]]` members are stylists unless `books = false`. Each has the services they do
(service ids or categories; all when left out), their own week within the salon's hours
(the salon's when left out) and absences. `team_warnings` tells the owner, at reindex,
what would make a service or a stylist unbookable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from salon.profile_fields import (
    WEEKDAYS,
    WEEKDAYS_FR,
    Closure,
    Interval,
    _date,
    _entry,
    _fail,
    _intervals,
    _required,
    _shown,
    _sub,
)
from salon.text import fold

if TYPE_CHECKING:
    from salon.profile import SalonProfile


class _ServiceLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def category(self) -> str: ...


@dataclass(frozen=True)
class TeamMember:
    """A member of the team; a stylist when `books` (the default).

    `services` are the service ids they do (`None`: every bookable service); `hours` is
    their own week (`None`: the salon's), always within the salon's opening hours;
    `absences` are inclusive date ranges (holidays, training). `cal_username` is their
    Cal.com username: their own event types carry the services' slugs.
    """

    name: str
    role: str
    specialities: tuple[str, ...] = ()
    id: str = ""
    services: tuple[str, ...] | None = None
    hours: dict[str, tuple[Interval, ...]] | None = None
    absences: tuple[Closure, ...] = ()
    cal_username: str | None = None
    books: bool = True

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.id

    def does(self, service_id: str) -> bool:
        return self.books and (self.services is None or service_id in self.services)

    def absence_on(self, day: date) -> Closure | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def week_hours(self, day: date) -> tuple[Interval, ...] | None:
        """Their own hours on that weekday (`None`: they follow the salon's)."""
        return None if self.hours is None else self.hours[WEEKDAYS[day.weekday()]]


def _member_services(
    path: Path, where: str, raw: object, services: Sequence[_ServiceLike]
) -> tuple[str, ...] | None:
    """Service ids or category names (« Homme », « Couleur ») → service ids."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _fail(path, where, "une liste d'id de prestations ou de catégories est attendue")
    ids: list[str] = []
    for item in raw:
        matched = [s.id for s in services if s.id == item] or [
            s.id for s in services if s.category and fold(s.category) == fold(item)
        ]
        if not matched:
            raise _fail(
                path, where, f"{_shown(item)} n'est ni l'id d'une prestation ni une catégorie"
            )
        ids.extend(x for x in matched if x not in ids)
    return tuple(ids)


def parse_team(path: Path, raw: object, services: Sequence[_ServiceLike]) -> tuple[TeamMember, ...]:
    if not isinstance(raw, list):
        raise _fail(path, "[[team]]", "une liste de tables [[team]] est attendue")
    team: list[TeamMember] = []
    for i, t in enumerate(raw):
        if not isinstance(t, dict):
            raise _fail(
                path, _entry("membre de l'équipe", None, i + 1, "team"), "une table est attendue"
            )
        where = _entry("membre de l'équipe", t.get("name") or t.get("id"), i + 1, "team")
        name = str(_required(path, t, "name", where))
        ident = str(t.get("id") or fold(name.split()[0]).replace(" ", "-"))
        week = t.get("hours")
        if week is not None and not isinstance(week, dict):
            raise _fail(path, _sub(where, "hours"), "une table de jours est attendue")
        unknown_days = sorted(set(week or {}) - set(WEEKDAYS))
        if unknown_days:
            raise _fail(
                path,
                _sub(where, "hours"),
                (
                    f"jour inconnu {_shown(unknown_days[0])} : les jours s'écrivent en anglais, "
                    "de monday à sunday"
                ),
            )
        absences = []
        for j, a in enumerate(t.get("absences", [])):
            if not isinstance(a, dict):
                raise _fail(
                    path,
                    _sub(where, _entry("absence", None, j + 1, "team.absences")),
                    f"une table est attendue, pas {_shown(a)}",
                )
            at = _sub(
                where, _entry("absence", a.get("reason") or a.get("start"), j + 1, "team.absences")
            )
            start = _date(path, _sub(at, "start"), a.get("start"))
            end = _date(path, _sub(at, "end"), a.get("end", a.get("start")))
            if end < start:
                raise _fail(path, at, "la fin (end) vient avant le début (start)")
            absences.append(Closure(start=start, end=end, reason=str(a.get("reason", ""))))
        team.append(
            TeamMember(
                name=name,
                role=str(t.get("role", "")),
                specialities=tuple(str(x) for x in t.get("specialities", [])),
                id=ident,
                services=_member_services(
                    path, _sub(where, "services"), t.get("services"), services
                ),
                hours=None
                if week is None
                else {
                    d: _intervals(path, _sub(where, f"hours.{d}"), week.get(d, []))
                    for d in WEEKDAYS
                },
                absences=tuple(absences),
                cal_username=t.get("cal_username") or None,
                books=bool(t.get("books", True)),
            )
        )
    ids = [m.id for m in team]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        raise _fail(
            path,
            "team",
            f"deux personnes ont le même id {_shown(dupes[0])} : donnez à chacune son id",
        )
    return tuple(team)


def team_warnings(profile: SalonProfile) -> list[str]:
    """French warnings for the owner at reindex: what in `[[team]]` leaves a service or a
    stylist without any bookable time (nothing is refused: the owner decides)."""
    stylists = profile.stylists
    if not stylists:
        return []
    out = []
    for svc in profile.services:
        if svc.bookable and not any(m.does(svc.id) for m in stylists):
            out.append(
                f"personne dans l'équipe ne fait « {svc.name} » : les appelants ne pourront "
                "pas la réserver ; ajoutez-la aux services d'un membre de [[team]]"
            )
    for member in stylists:
        if member.hours is None:
            continue
        worked = [d for d in WEEKDAYS if _overlaps(member.hours[d], profile.hours[d])]
        outside = [
            WEEKDAYS_FR[i]
            for i, d in enumerate(WEEKDAYS)
            if member.hours[d] and not _overlaps(member.hours[d], profile.hours[d])
        ]
        if outside:
            out.append(
                f"les horaires de {member.first_name} le {' et le '.join(outside)} sont en "
                "dehors des heures d'ouverture du salon : ces jours-là, personne ne peut "
                f"réserver avec {member.first_name}"
            )
        if not worked:
            out.append(
                f"{member.first_name} ne travaille aucun jour d'ouverture du salon : personne "
                f"ne peut réserver avec {member.first_name}"
            )
    return out


def _overlaps(own: tuple[Interval, ...], salon: tuple[Interval, ...]) -> bool:
    return any(a < hi and lo < b for a, b in own for lo, hi in salon)
