"""The salon profile (`sources/salon.toml`): load, validate, and answer simple questions.

Every structured fact the system uses (name, address, hours, services, greeting,
transfer number, SMS sender) comes from here. Errors name the file and the field.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salon import settings
from salon.profile_fields import (
    WEEKDAYS,
    WEEKDAYS_FR,
    Closure,
    Interval,
    ProfileError,
    _date,
    _entry,
    _fail,
    _intervals,
    _required,
    _shown,
    _sub,
)
from salon.team import TeamMember, parse_team
from salon.text import fold

__all__ = [
    "WEEKDAYS",
    "WEEKDAYS_FR",
    "Closure",
    "Interval",
    "ProfileError",
    "SalonProfile",
    "Service",
    "SpecialHours",
    "TeamMember",
    "greeting_warnings",
    "load_profile",
    "parse_profile",
    "read_profile_data",
    "toml_error_fr",
]


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    category: str
    duration: int  # minutes
    price: float  # euros
    price_from: bool = False
    aliases: tuple[str, ...] = ()
    cal_event_type_id: int | None = None
    cal_event_type_slug: str | None = None
    bookable: bool = True


@dataclass(frozen=True)
class SpecialHours:
    day: date
    hours: tuple[Interval, ...]
    reason: str = ""


@dataclass(frozen=True)
class SalonProfile:
    id: str
    name: str
    short_name: str
    address: str
    phone: str
    timezone: ZoneInfo
    hours: dict[str, tuple[Interval, ...]]
    services: tuple[Service, ...]
    greeting_open: str
    greeting_closed: str
    transfer_number: str | None = None
    sms_sender: str | None = None
    email: str | None = None
    salon_email: str | None = None
    website: str | None = None
    access: str | None = None
    chairs: int = 1
    slot_step_minutes: int = 15
    closed_on_public_holidays: bool = True
    holidays_subdivision: str | None = None  # e.g. "57" (Moselle): its extra public holidays
    payment: tuple[str, ...] = ()
    closures: tuple[Closure, ...] = ()
    special_hours: tuple[SpecialHours, ...] = ()
    team: tuple[TeamMember, ...] = ()
    source: Path | None = field(default=None, compare=False)

    def service(self, service_id: str) -> Service:
        for svc in self.services:
            if svc.id == service_id:
                return svc
        raise KeyError(service_id)

    def closure_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """Opening intervals on a local date: closures, then special hours, then the week.

        Public holidays are not applied here (see `agent`'s calendar, which knows them).
        """
        if self.closure_on(day):
            return ()
        for special in self.special_hours:
            if special.day == day:
                return special.hours
        return self.hours[WEEKDAYS[day.weekday()]]

    def now(self) -> datetime:
        return datetime.now(self.timezone)

    @property
    def stylists(self) -> tuple[TeamMember, ...]:
        """The team members who take appointments (empty: the salon books by `chairs`)."""
        return tuple(m for m in self.team if m.books)

    def stylist(self, stylist_id: str) -> TeamMember:
        for member in self.stylists:
            if member.id == stylist_id:
                return member
        raise KeyError(stylist_id)

    def stylist_name(self, stylist_id: str | None) -> str | None:
        """The first name callers and texts use for `stylist_id` (« Chloé »); None for a
        booking without a stylist, or whose stylist has left the team."""
        member = next((m for m in self.stylists if m.id == stylist_id), None)
        return member.first_name if member else None

    def stylists_for(self, service_ids: tuple[str, ...] | list[str]) -> tuple[TeamMember, ...]:
        """The stylists who do every one of these services."""
        return tuple(m for m in self.stylists if all(m.does(s) for s in service_ids))

    def find_stylist(self, said: str) -> TeamMember | None:
        """The stylist a caller names (« Chloé », « chloe martin », « Mme Martin »), or
        None when no one or several match."""
        words = fold(said).replace("-", " ").split()
        if not words:
            return None
        hits = []
        for member in self.stylists:
            names = set(fold(member.name).replace("-", " ").split()) | {fold(member.id)}
            if any(w in names for w in words if len(w) > 1):
                hits.append(member)
        return hits[0] if len(hits) == 1 else None

    def is_open_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.timezone)
        return any(start <= local.time() < end for start, end in self.hours_on(local.date()))


def holiday_subdivisions() -> dict[str, str]:
    """Every French subdivision the `holidays` package knows, keyed by folded code or
    alias ("57", "moselle", "6ae", "alsace", "971", "guadeloupe"…), to its code."""
    from holidays.countries.france import France

    known = {code: code for code in France.subdivisions}
    known.update(France.subdivisions_aliases)
    # The Alsace departments by number and name, and the region as people call it.
    known.update({"67": "6AE", "68": "6AE", "Bas-Rhin": "6AE", "Haut-Rhin": "6AE"})
    known["Alsace-Moselle"] = "57"
    # "Zone A/B/C" are school-holiday zones: they add no public holiday.
    return {fold(name): code for name, code in known.items() if not code.startswith("Zone")}


def _subdivision(path: Path, raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    known = holiday_subdivisions()
    code = known.get(fold(str(raw).strip())) if isinstance(raw, str | int) else None
    if code is None:
        codes = sorted(set(known.values()))
        raise _fail(
            path,
            "salon.holidays_subdivision",
            f"subdivision inconnue {_shown(raw)} pour les jours fériés ; choisissez parmi "
            f'{", ".join(codes)} (par exemple "57" ou "Moselle", "6AE" ou "Alsace"), '
            "ou retirez ce champ pour la France métropolitaine",
        )
    return code


DEFAULT_GREETING_OPEN = "Bonjour, {name}, que puis-je pour vous ?"
DEFAULT_GREETING_CLOSED = "Bonjour, {name}."
GREETING_PLACEHOLDERS = ("name", "short_name")


def _greeting(path: Path, where: str, raw: object, names: dict[str, str]) -> str:
    """A greeting template with `{name}` / `{short_name}` filled in from `[salon]`."""
    if not isinstance(raw, str):
        raise _fail(path, where, f"une phrase entre guillemets est attendue, pas {_shown(raw)}")
    if not raw.strip():
        raise _fail(path, where, "la phrase est vide : écrivez la formule d'accueil")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(raw) if f is not None]
    except ValueError as exc:
        raise _fail(
            path,
            where,
            "accolade { ou } seule : entre accolades, écrivez seulement {name} ou {short_name}",
        ) from exc
    unknown = sorted({f for f in fields if f not in GREETING_PLACEHOLDERS})
    if unknown:
        raise _fail(
            path,
            where,
            f"{{{unknown[0]}}} est inconnu : seuls {{name}} et {{short_name}} (le nom du salon "
            "et son nom court) peuvent s'écrire entre accolades",
        )
    return raw.format_map(names)


def greeting_warnings(profile: SalonProfile) -> list[str]:
    """French warnings for the owner: a greeting that names neither the salon's `name` nor
    its `short_name` (a renamed salon would keep greeting callers with the old name)."""
    wanted = [fold(profile.name), fold(profile.short_name)]
    out = []
    for key, text in (("open", profile.greeting_open), ("closed", profile.greeting_closed)):
        if not any(n and n in fold(text) for n in wanted):
            out.append(
                f"la formule d'accueil [greeting] {key} ne cite pas le nom du salon "
                f"(« {profile.name} » ou « {profile.short_name} ») : écrivez {{name}} "
                "ou {short_name} dans le texte pour qu'elle suive le profil"
            )
    return out


def _whole(path: Path, where: str, raw: object) -> int:
    """A positive whole number (`chairs = 2`; `"2"` is read too)."""
    try:
        value = int(str(raw)) if not isinstance(raw, bool | float) else 0
    except ValueError:
        value = 0
    if value < 1:
        raise _fail(path, where, f"un nombre entier positif est attendu, pas {_shown(raw)}")
    return value


def _block(path: Path, where: str, raw: object) -> dict:
    if not isinstance(raw, dict):
        raise _fail(path, where, f"une table est attendue, pas {_shown(raw)}")
    return raw


def _service(path: Path, i: int, raw: object) -> Service:
    raw = _block(path, _entry("prestation", None, i + 1, "services"), raw)
    where = _entry("prestation", raw.get("name") or raw.get("id"), i + 1, "services")
    duration = _required(path, raw, "duration", where)
    if not isinstance(duration, int) or duration <= 0:
        raise _fail(
            path,
            _sub(where, "duration"),
            f"une durée en minutes est attendue (un nombre entier positif), pas {_shown(duration)}",
        )
    price = raw.get("price", 0)
    if isinstance(price, bool) or not isinstance(price, int | float) or price < 0:
        raise _fail(
            path,
            _sub(where, "price"),
            "un prix en euros est attendu, écrit comme un nombre sans guillemets (price = 24), "
            f"pas {_shown(price)}",
        )
    event_id = raw.get("cal_event_type_id")
    if event_id is not None and not isinstance(event_id, int):
        raise _fail(
            path,
            _sub(where, "cal_event_type_id"),
            f"le numéro du type d'événement Cal.com est attendu, pas {_shown(event_id)}",
        )
    return Service(
        id=str(_required(path, raw, "id", where)),
        name=str(_required(path, raw, "name", where)),
        category=str(raw.get("category", "")),
        duration=duration,
        price=float(price),
        price_from=bool(raw.get("price_from", False)),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
        cal_event_type_id=event_id,
        cal_event_type_slug=raw.get("cal_event_type_slug"),
        bookable=bool(raw.get("bookable", True)),
    )


def _closure(path: Path, i: int, raw: object) -> Closure:
    raw = _block(path, _entry("fermeture", None, i + 1, "closures"), raw)
    where = _entry("fermeture", raw.get("reason") or raw.get("start"), i + 1, "closures")
    start = _date(path, _sub(where, "start"), raw.get("start"))
    end = _date(path, _sub(where, "end"), raw.get("end", raw.get("start")))
    if end < start:  # swapped dates would close nothing, silently: say so, as for absences
        raise _fail(path, where, "la fin (end) vient avant le début (start)")
    return Closure(start=start, end=end, reason=str(raw.get("reason", "")))


def _special(path: Path, i: int, raw: object) -> SpecialHours:
    raw = _block(path, _entry("horaires spéciaux", None, i + 1, "special_hours"), raw)
    handle = raw.get("reason") or raw.get("date")
    where = _entry("horaires spéciaux", handle, i + 1, "special_hours")
    return SpecialHours(
        day=_date(path, _sub(where, "date"), raw.get("date")),
        hours=_intervals(path, _sub(where, "hours"), raw.get("hours", [])),
        reason=str(raw.get("reason", "")),
    )


def parse_profile(data: dict, path: Path) -> SalonProfile:
    """Build a `SalonProfile` from parsed TOML; raises `ProfileError` naming the field."""
    salon = data.get("salon")
    if not isinstance(salon, dict):
        raise _fail(path, "[salon]", "table manquante : nom, adresse, téléphone et fuseau horaire")
    tz_name = str(_required(path, salon, "timezone", "salon"))
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _fail(
            path,
            "salon.timezone",
            f'fuseau horaire inconnu "{tz_name}" : écrivez par exemple "Europe/Paris"',
        ) from exc

    raw_hours = data.get("hours")
    if not isinstance(raw_hours, dict):
        raise _fail(path, "[hours]", "table manquante : les horaires d'ouverture de la semaine")
    hours = {day: _intervals(path, f"hours.{day}", raw_hours.get(day, [])) for day in WEEKDAYS}

    services = tuple(_service(path, i, s) for i, s in enumerate(data.get("services", [])))
    if not services:
        raise _fail(path, "[[services]]", "il faut au moins une prestation")
    ids = [s.id for s in services]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        raise _fail(path, "services", f"plusieurs prestations ont le même id : {', '.join(dupes)}")

    closures = tuple(_closure(path, i, c) for i, c in enumerate(data.get("closures", [])))
    special = tuple(_special(path, i, s) for i, s in enumerate(data.get("special_hours", [])))
    team = parse_team(path, data.get("team", []), services)
    greeting = data.get("greeting", {})
    if not isinstance(greeting, dict):
        raise _fail(path, "[greeting]", "une table est attendue, avec les phrases open et closed")
    name = str(_required(path, salon, "name", "salon"))
    short_name = str(salon.get("short_name", name))
    names = {"name": name, "short_name": short_name}
    opening = greeting.get("open", DEFAULT_GREETING_OPEN)
    closed = greeting.get("closed", greeting.get("open", DEFAULT_GREETING_CLOSED))
    sender = salon.get("sms_sender")
    if sender is not None and not (1 <= len(str(sender)) <= 11):
        raise _fail(
            path,
            "salon.sms_sender",
            f"le nom d'expéditeur des SMS compte de 1 à 11 caractères, pas {_shown(str(sender))}",
        )
    return SalonProfile(
        id=str(salon.get("id", "salon")),
        name=name,
        short_name=short_name,
        address=str(_required(path, salon, "address", "salon")),
        phone=str(_required(path, salon, "phone", "salon")),
        timezone=tz,
        hours=hours,
        services=services,
        greeting_open=_greeting(path, "greeting.open", opening, names),
        greeting_closed=_greeting(path, "greeting.closed", closed, names),
        transfer_number=salon.get("transfer_number") or None,
        sms_sender=sender,
        email=salon.get("email"),
        salon_email=salon.get("salon_email") or salon.get("email"),
        website=salon.get("website"),
        access=salon.get("access"),
        chairs=_whole(path, "salon.chairs", salon.get("chairs", 1)),
        slot_step_minutes=_whole(
            path, "salon.slot_step_minutes", salon.get("slot_step_minutes", 15)
        ),
        closed_on_public_holidays=bool(salon.get("closed_on_public_holidays", True)),
        holidays_subdivision=_subdivision(path, salon.get("holidays_subdivision")),
        payment=tuple(salon.get("payment", [])),
        closures=closures,
        special_hours=special,
        team=team,
        source=path,
    )


# tomllib's messages (Python 3.11 words them in English only) in the owner's words: what
# to look for on the line it names. The parser's own words follow, for whoever helps.
_UNCLOSED_QUOTE = (
    "guillemet non fermé : un texte ouvert par \" (ou ') se referme sur la même ligne, "
    'comme name = "Balayage"'
)
_TWICE = (
    "ce nom est déjà écrit plus haut dans la même table : chacun ne s'écrit qu'une fois "
    "(pour une prestation de plus, ouvrez un nouveau bloc [[services]])"
)
_TOML_FR: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(Illegal|Found invalid) character '\\[nr]'"), _UNCLOSED_QUOTE),
    (re.compile(r"Unterminated string|Expected (\"'+\"|'\"+')"), _UNCLOSED_QUOTE),
    (
        re.compile(r"(Illegal|Found invalid) character"),
        "caractère invisible interdit (caractère de contrôle) : retapez cette ligne",
    ),
    (
        re.compile(r"Invalid value"),
        "valeur non reconnue après le signe = : un texte s'écrit entre guillemets droits "
        '("Balayage"), un nombre sans guillemets (28), une liste entre crochets ([...])',
    ),
    (
        re.compile(r"Expected '=' after a key"),
        "il manque le signe = après le nom du champ : chaque ligne s'écrit nom = valeur "
        "(un commentaire commence par #)",
    ),
    (
        re.compile(r"Expected newline or end of document after a statement"),
        "texte en trop après la valeur : une seule valeur par ligne (un texte s'écrit entre "
        "guillemets, un nombre seul ; un commentaire commence par #)",
    ),
    (
        re.compile(r"Invalid statement"),
        "ligne non reconnue : on attend nom = valeur, [table] ou [[bloc]] "
        "(un commentaire commence par #)",
    ),
    (
        re.compile(
            r"Cannot (declare|overwrite|redefine|mutate)|Duplicate inline table key"
            r"|An object other than list|There is no nest"
        ),
        _TWICE,
    ),
    (
        re.compile(r"Expected '\]' at the end of a table"),
        "crochet fermant ] manquant après le nom de la table (comme [hours])",
    ),
    (
        re.compile(r"Expected '\]\]' at the end of an array"),
        "]] manquant après le nom du bloc (comme [[services]])",
    ),
    (
        re.compile(r"Unclosed array"),
        "liste non fermée : il manque une virgule entre deux éléments ou le crochet fermant ]",
    ),
    (re.compile(r"Unclosed inline table"), "accolade } manquante, ou virgule oubliée"),
    (
        re.compile(r"Invalid initial character for a key"),
        "nom de champ non reconnu : il s'écrit en lettres sans accent, chiffres, - ou _",
    ),
    (re.compile(r"Invalid date"), "date non valide : écrivez-la comme 2026-12-25"),
    (
        re.compile(r"Unescaped '\\'|Invalid hex value|not a Unicode scalar"),
        "barre oblique inverse \\ dans un texte : doublez-la (\\\\) ou écrivez le texte "
        "entre apostrophes ('...')",
    ),
]
_AT = re.compile(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", re.S)


def toml_error_fr(exc: tomllib.TOMLDecodeError, text: str = "") -> str:
    """A TOML syntax error for the owner: where (« ligne 127, colonne 17 » ; at the end of
    the file, its last line), what is wrong in French when it is a known mistake
    (« guillemet non fermé »…), then the parser's own words."""
    found = _AT.fullmatch(str(exc))
    message = found[1] if found else str(exc)
    if found and found[2]:
        where = f"ligne {found[2]}, colonne {found[3]}"
    else:
        opened = _first_failing_line(text, message)
        where = (
            f"ligne {opened} (rien ne le referme jusqu'à la fin du fichier)"
            if opened
            else f"fin du fichier (ligne {max(1, len(text.splitlines()))})"
        )
    plain = next((fr for pattern, fr in _TOML_FR if pattern.search(message)), None)
    return f"{where} : {plain or 'syntaxe TOML incorrecte'} (détail du lecteur TOML : {message})"


def _first_failing_line(text: str, message: str) -> int | None:
    """For an error found only at the end of the file (a quote or a list opened and never
    closed), the line where it starts: the fewest first lines that fail the same way (a
    few parses, by halves)."""
    lines = text.splitlines(keepends=True)

    def fails(count: int) -> bool:
        try:
            tomllib.loads("".join(lines[:count]))
        except tomllib.TOMLDecodeError as exc:
            found = _AT.fullmatch(str(exc))
            return found is not None and found[1] == message and not found[2]
        return False

    low, high = 1, len(lines)
    if not lines or not fails(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if fails(middle):
            high = middle
        else:
            low = middle + 1
    return low


def read_profile_data(path: Path) -> dict:
    """`path`'s TOML as a dict; `ProfileError` in French naming the file and the line when
    it is not UTF-8 or not TOML (a missing file: `FileNotFoundError`)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProfileError(
            f"{path} : ligne {line} : le fichier n'est pas enregistré en UTF-8 (des accents "
            "d'un autre encodage) : enregistrez-le en UTF-8"
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path} : {toml_error_fr(exc, text)}") from exc


def load_profile(path: str | Path | None = None) -> SalonProfile:
    """Load the salon profile from `path`, `SALON_PROFILE`, or `sources/salon.toml`; a
    missing or unreadable file raises `ProfileError` in French (the owner reads it)."""
    resolved = settings.salon_profile_path(path)
    try:
        data = read_profile_data(resolved)
    except FileNotFoundError as exc:
        raise ProfileError(
            f"{resolved} : profil du salon introuvable ; créez ce fichier ou indiquez "
            "son chemin dans SALON_PROFILE"
        ) from exc
    return parse_profile(data, resolved)
