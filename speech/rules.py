"""The rewriting rules behind `speech.normalise.normalize_for_tts`, applied in order.

Each rule is a compiled pattern and a replacement. Order matters: e-mails and URLs
before anything that reads dots, phone numbers before plain numbers, dates and times
before prices, abbreviations before the final pass that turns every digit into words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from salon.profile import WEEKDAYS_FR
from speech import numbers as n

Replacement = str | Callable[[re.Match[str]], str]

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿŒœ"
_UPPER = r"A-ZÀ-ÖØ-ÞŒ"
_WEEKDAYS = "|".join(WEEKDAYS_FR)
_MONTH_WORDS = (
    r"janvier|janv|février|févr|fév|mars|avril|avr|mai|juin|juillet|juil"
    r"|août|septembre|sept(?=\.)|octobre|oct|novembre|nov|décembre|déc"
)
_MONTH_BY_PREFIX = {m[:3]: i + 1 for i, m in enumerate(n.MONTHS)}
_WEEKDAY_BY_ABBR = {w[:3]: w for w in WEEKDAYS_FR}
_WEEKDAY_ABBR = "|".join(_WEEKDAY_BY_ABBR)
# Feminine nouns after a number: "21 heures" → "vingt et une heures".
_FEMININE = (
    r"heures?|minutes?|secondes?|semaines?|journées?|nuits?|fois|personnes?|places?|années?"
    r"|séances?|coupes?|couleurs?|mèches?|prestations?|étoiles?|clientes?|cartes?|formules?"
)
_TLD_WORDS = {"com", "net", "org", "info", "paris", "shop", "pro", "biz"}
_INT = r"\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+"
_DURATION_CUE = re.compile(
    r"(?:pendant|durée|dans|sous|environ|compter|prévoir|moins|plus|délai|toutes|"
    r"minimum|maximum|moins de|plus de|les|des|en)\s*$",
    re.IGNORECASE,
)


def _capitalised(source: str, words: str) -> str:
    """Keep an initial capital: "Env." → "Environ"."""
    return words[:1].upper() + words[1:] if source[:1].isupper() else words


# ---------------------------------------------------------------- e-mail, web, phone


def _spell_part(part: str) -> str:
    out = part
    for symbol, word in (("_", " tiret bas "), ("-", " tiret "), (".", " point "), ("+", " plus ")):
        out = out.replace(symbol, word)
    out = re.sub(r"\d+", lambda m: f" {n.digits(m.group())} ", out)
    return re.sub(r"\s+", " ", out).strip()


def _spell_domain(domain: str) -> str:
    labels = domain.lower().split(".")
    *names, tld = labels
    head = " point ".join(_spell_part(label) for label in names)
    tail = tld if tld in _TLD_WORDS or len(tld) > 3 else " ".join(tld)
    return f"{head} point {tail}" if head else tail


def _email(m: re.Match[str]) -> str:
    local, domain = m.group().split("@", 1)
    return f"{_spell_part(local)} arobase {_spell_domain(domain)}"


def _url(m: re.Match[str]) -> str:
    text = re.sub(r"^https?://", "", m.group(), flags=re.IGNORECASE)
    host, _, path = text.partition("/")
    words = ""
    if host.lower().startswith("www."):
        host, words = host[4:], "trois w point "
    words += _spell_domain(host)
    path = path.rstrip("/")
    if path:
        words += " slash " + " slash ".join(_spell_part(p) for p in path.split("/") if p)
    return words


def _phone_fr(m: re.Match[str]) -> str:
    national = "0" + m.group(1) + re.sub(r"\D", "", m.group(2))
    return n.phone(national)


def _phone_intl(m: re.Match[str]) -> str:
    rest = re.sub(r"\D", "", m.group(2))
    return f"plus {n.cardinal(int(m.group(1)))}, {n.phone(rest)}"


# ---------------------------------------------------------------- dates and times


def _valid_day(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _day(day: int) -> str:
    return n.ordinal(1) if day == 1 else n.cardinal(day)


def _year(raw: str) -> str:
    value = int(raw)
    return n.year(2000 + value if len(raw) == 2 else value)


def _iso_date(m: re.Match[str]) -> str:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not _valid_day(day, month):
        return m.group()
    return f"{_day(day)} {n.month(month)} {n.year(year)}"


def _slash_date(m: re.Match[str]) -> str:
    day, month = int(m.group(1)), int(m.group(2))
    if not _valid_day(day, month):
        return m.group()
    text = f"{_day(day)} {n.month(month)}"
    return f"{text} {_year(m.group(3))}" if m.group(3) else text


def _day_month(m: re.Match[str]) -> str:
    day = int(m.group(1))
    key = m.group(2).lower().rstrip(".")
    if key.startswith("juil"):
        month = 7
    elif key.startswith("juin"):
        month = 6
    else:
        month = _MONTH_BY_PREFIX[key[:3]]
    return f"{_day(day)} {n.month(month)}" if 1 <= day <= 31 else m.group()


def _weekday(abbr: str) -> str:
    return _capitalised(abbr, _WEEKDAY_BY_ABBR[abbr.lower()])


def _weekday_before_date(m: re.Match[str]) -> str:
    return _weekday(m.group(1))


def _weekday_range(m: re.Match[str]) -> str:
    """`mar.-sam.` → `mardi-samedi`, `du mar. au sam.` → `du mardi au samedi`."""
    head = f"{m.group('du')} " if m.group("du") else ""
    sep = " au " if m.group("du") else "-"
    first = m.group("a") or m.group("a2")
    return f"{head}{_weekday(first)}{sep}{_weekday(m.group('b'))}"


def _time_pattern(suffix: str) -> str:
    return (
        rf"(?<![\d,.])(?P<h{suffix}>\d{{1,2}})\s?[hH]"
        rf"(?:\s?(?P<m{suffix}>[0-5]\d)(?:\s?(?:min|mn)\b\.?)?)?(?![{_LETTER}\d])"
    )


def _clock(hour: str, minute: str | None, *, duration: bool = False) -> str:
    h = int(hour)
    return n.clock(h, int(minute or 0), as_duration=duration or h > 24)


_BEFORE_RANGE = re.compile(r"\b(vers|entre|à|dès|jusqu'à|jusqu’à|avant|après)\s*$", re.IGNORECASE)


def _time_range(m: re.Match[str]) -> str:
    start = _clock(m.group("ha"), m.group("ma"))
    end = _clock(m.group("hb"), m.group("mb"))
    if m.group("de"):
        return f"{m.group('de')} {start} à {end}"
    before = _BEFORE_RANGE.search(m.string[max(0, m.start() - 12) : m.start()])
    if before is None:
        return f"de {start} à {end}"
    if before.group(1).lower() == "entre":
        return f"{start} et {end}"
    return f"{start} ou {end}"


def _time(m: re.Match[str]) -> str:
    before = m.string[max(0, m.start() - 20) : m.start()]
    duration = bool(_DURATION_CUE.search(before))
    return _clock(m.group("ha"), m.group("ma"), duration=duration)


def _colon_time(m: re.Match[str]) -> str:
    return _clock(m.group(1), m.group(2))


def _day_range(m: re.Match[str]) -> str:
    return f"{m.group(1) or 'du'} {m.group(2).lower()} au {m.group(3).lower()}"


# ---------------------------------------------------------------- amounts


def _price(m: re.Match[str]) -> str:
    return n.euros(m.group("int"), m.group("dec") or m.groupdict().get("cents"))


def _percent(m: re.Match[str]) -> str:
    sign = "moins " if m.group("sign") else ""
    whole, dec = m.group("int"), m.group("dec")
    value = n.decimal(whole, dec) if dec else n.number(whole)
    return f"{sign}{value} pour cent"


def _ordinal(m: re.Match[str]) -> str:
    value, suffix = int(m.group(1)), m.group(2).lower()
    plural = "s" if suffix.endswith("s") else ""
    if suffix.startswith("nd"):
        word = "seconde" if "e" in suffix[2:] else "second"
    elif value == 1 and suffix.startswith(("r", "è", "ʳ")):
        word = "première"
    elif value == 1:
        word = "premier"
    else:
        word = n.ordinal(value)
    return word + plural


def _minutes(m: re.Match[str]) -> str:
    return n.minutes(int(m.group(1)))


_UNITS = {
    "km": ("kilomètre", "kilomètres"),
    "m": ("mètre", "mètres"),
    "cm": ("centimètre", "centimètres"),
    "mm": ("millimètre", "millimètres"),
    "kg": ("kilo", "kilos"),
    "ml": ("millilitre", "millilitres"),
}


def _unit(m: re.Match[str]) -> str:
    singular, plural = _UNITS[m.group(3)]
    if m.group(2):
        return f"{n.decimal(m.group(1), m.group(2))} {plural}"
    value = int(re.sub(r"\D", "", m.group(1)))
    return f"{n.number(m.group(1))} {singular if value <= 1 else plural}"


def _decimal(m: re.Match[str]) -> str:
    return n.decimal(m.group(1), m.group(2))


def _integer(m: re.Match[str]) -> str:
    return n.number(m.group(1), feminine=bool(m.group(2)))


def _loose_digits(m: re.Match[str]) -> str:
    """Digits glued to letters ("A4", "3x"): words, with spaces around them."""
    text = m.string
    words = n.number(m.group())
    if m.start() > 0 and text[m.start() - 1].isalpha():
        words = " " + words
    if m.end() < len(text) and text[m.end()].isalpha():
        words += " "
    return words


def _etc(m: re.Match[str]) -> str:
    after = m.string[m.end() :]
    keeps_stop = m.group().endswith(".") and not re.match(r"\s*[,;:)]", after)
    return "et cetera" + ("." if keeps_stop else "")


def _abbr(words: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _capitalised(m.group(), words)


# ---------------------------------------------------------------- the ordered table

_AMOUNT = r"(?P<int>\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+)(?:[,.](?P<dec>\d{1,2})(?!\d))?"
_TA, _TB = _time_pattern("a"), _time_pattern("b")

RULES: list[tuple[re.Pattern[str], Replacement]] = [
    (re.compile(r"[\u00a0\u202f\u2007\u2009]"), " "),
    # e-mail, web addresses, phone numbers
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _email),
    (
        re.compile(
            r"(?<![\w@.])(?:https?://|www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
            r"\.(?:fr|com|net|org|eu|info|paris|io|be|ch|shop|pro)\b(?:/[\w\-/%?=&#.]*[\w/])?",
            re.IGNORECASE,
        ),
        _url,
    ),
    (
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)([1-9])((?:[ .-]?\d{2}){4})(?!\d)"
        ),
        _phone_fr,
    ),
    (
        re.compile(r"(?<![\w+])\+([1-9]\d{0,2})[ .-]((?:\d{1,4}[ .-]?){2,6})(?<=\d)(?!\d)"),
        _phone_intl,
    ),
    # round-the-clock shorthands before dates read "7/7" as the 7th of July
    (re.compile(r"\b24\s?h?\s?/\s?24\b"), "vingt-quatre heures sur vingt-quatre"),
    (re.compile(r"(?<![\d/])7\s?(?:j(?:ours?)?)?\s?/\s?7(?![\d/])"), "sept jours sur sept"),
    # fractions and "2/3 semaines" before dates read them as days of a month
    (re.compile(r"(?:\b[Uu]ne?\s)?(?<![\d/])1/2\s?(?:h\b|heure\b)"), "une demi-heure"),
    (re.compile(r"(?:\b[Uu]ne?\s)?(?<![\d/])1/2\s?journée"), "une demi-journée"),
    (re.compile(r"(?:\b[Uu]ne?\s)?(?<![\d/])1/4\s?d['’]\s?heure"), "un quart d'heure"),
    (re.compile(r"(?<![\d/])3/4\s?d['’]\s?heure"), "trois quarts d'heure"),
    (
        re.compile(
            r"(?<![\d/,.])(\d{1,2})/(\d{1,2})(?=\s?(?:jours?|semaines?|mois|fois|heures?"
            r"|personnes?|minutes?|ans|cm)\b)"
        ),
        r"\1 ou \2",
    ),
    # abbreviated weekdays, only where they cannot be another word ("la mer", "le jeu"):
    # before a date ("sam. 12/12", "lun. 7 déc."), with a dot before a number
    # ("sam. 9h-18h"), or in a range ("mar.-sam.", "du mar. au sam.")
    (
        re.compile(
            rf"(?<![{_LETTER}.])(?<![Ll]a )({_WEEKDAY_ABBR})(?:\.\s*|\s+)"
            rf"(?=\d{{1,2}}(?:er)?(?:\s?/\s?\d{{1,2}}(?!\d)|\s+(?:{_MONTH_WORDS})(?![{_LETTER}])))"
            rf"|(?<![{_LETTER}.])(?<![Ll]a )({_WEEKDAY_ABBR})\.\s*(?=\d)",
            re.IGNORECASE,
        ),
        lambda m: _weekday(m.group(1) or m.group(2)) + " ",
    ),
    (
        re.compile(
            rf"(?:\b(?P<du>[Dd]u)\s+(?P<a>{_WEEKDAY_ABBR})\.?\s+au\s+"
            rf"|(?<![{_LETTER}.])(?P<a2>{_WEEKDAY_ABBR})\.?\s?[-–—]\s?)"
            rf"(?P<b>{_WEEKDAY_ABBR})(?![{_LETTER}])(?:\.(?=\s+[a-zà-ÿ\d]|\s*[,;:)]))?",
            re.IGNORECASE,
        ),
        _weekday_range,
    ),
    # dates
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), _iso_date),
    (re.compile(r"(?<![\d/,.])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"), _slash_date),
    (
        re.compile(
            rf"(?<![\d,])(\d{{1,2}})(?:er)?\s+({_MONTH_WORDS})(?![{_LETTER}])"
            rf"(?:\.(?=\s+[a-zà-ÿ\d]))?"
        ),
        _day_month,
    ),
    (
        re.compile(rf"(?:\b([Dd]u)\s+)?\b({_WEEKDAYS})\s?[-–—]\s?({_WEEKDAYS})\b", re.IGNORECASE),
        _day_range,
    ),
    # ranges of quantities: "80-100 €", "2-3 jours", "80 € - 100 €"
    (
        re.compile(
            r"(?<![\w,./:-])(\d+)\s?[-–]\s?(\d+)(?=\s?(?:€|euros?\b|%|ans\b|jours?\b"
            r"|semaines?\b|mois\b|personnes?\b|minutes?\b|heures?\b|min\b|h(?:\d|\b)))"
        ),
        r"\1 à \2",
    ),
    (re.compile(r"(\d)\s?€\s?[-–]\s?(?=€?\s?\d)"), r"\1 € à "),
    # times, ranges of times, durations
    (re.compile(rf"(?:\b(?P<de>[Dd]e)\s+)?{_TA}\s*[-–—]\s*{_TB}"), _time_range),
    (re.compile(_TA), _time),
    (re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])"), _colon_time),
    (re.compile(r"(?<![\d,.])(\d+)\s?(?:minutes?|mins?|mn)\b(?:\.(?=\s+[a-zà-ÿ\d]))?"), _minutes),
    # lengths and weights
    (
        re.compile(rf"(?<![\w,.])({_INT})(?:,(\d+))?\s?(km|m|cm|mm|kg|ml)\b(?![\'’])"),
        _unit,
    ),
    # prices and percentages
    (
        re.compile(
            rf"(?<![\d,.]){_AMOUNT}\s?(?:€|EUR\b|euros?\b)(?:(?<=€)(?P<cents>\d{{2}})(?!\d))?"
        ),
        _price,
    ),
    (re.compile(rf"(?:€|\bEUR)\s?{_AMOUNT}"), _price),
    (re.compile(r"\s?€"), " euros"),
    (
        re.compile(r"(?<![\w,])(?P<sign>[-−]\s?)?(?P<int>\d+)(?:,(?P<dec>\d+))?\s?%"),
        _percent,
    ),
    (re.compile(r"\s?%"), " pour cent"),
    # ordinals: 1er, 1re, 2e, 3ème, 2nd
    (re.compile(r"(?<![\w,])(\d+)(ers?|res?|ères?|èmes?|es?|ndes?|nds?|ᵉʳ|ʳᵉ|ᵉ)(?!\w)"), _ordinal),
    # abbreviations
    (re.compile(r"\b[Rr][Dd][Vv]s?\b"), "rendez-vous"),
    (re.compile(r"\b[Ee]nv\."), _abbr("environ")),
    (re.compile(r"\b[Mm]in\."), _abbr("minimum")),
    (re.compile(r"\b[Mm]ax\b(?:\.(?=\s+[a-zà-ÿ\d]))?"), _abbr("maximum")),
    (re.compile(r"\b[Nn][°º]\s?"), _abbr("numéro ")),
    (re.compile(r"\b[Nn]o\.\s?(?=\d)"), _abbr("numéro ")),
    (re.compile(r"\bMmes\b\.?"), "Mesdames"),
    (re.compile(r"\bMme\b\.?"), "Madame"),
    (re.compile(r"\bMlles\b\.?"), "Mesdemoiselles"),
    (re.compile(r"\bMlle\b\.?"), "Mademoiselle"),
    (re.compile(rf"\bMM\.\s?(?=[{_UPPER}])"), "Messieurs "),
    (re.compile(rf"\bM\.\s?(?=[{_UPPER}])"), "Monsieur "),
    (re.compile(rf"\bDr\.?\s(?=[{_UPPER}])"), "Docteur "),
    (re.compile(rf"\bSte(?=[\s-][{_UPPER}])"), "Sainte"),
    (re.compile(rf"\bSt(?=[\s-][{_UPPER}])"), "Saint"),
    (re.compile(r"\b[Bb]d\b\.?"), "boulevard"),
    (re.compile(r"\b[Aa]v\.(?=\s)"), _abbr("avenue")),
    (re.compile(r"\betc\b\.?"), _etc),
    (re.compile(r"\b[Tt]él\b\.?|\b[Tt]el\."), _abbr("téléphone")),
    (re.compile(r"\b[Cc]f\."), _abbr("voir")),
    (re.compile(r"\bc\.-à-d\.|\bc-à-d\b"), "c'est-à-dire"),
    (re.compile(r"\bp\.\s?ex\.|\bpar ex\."), "par exemple"),
    (re.compile(r"\bTTC\b"), "toutes taxes comprises"),
    (re.compile(r"\bHT\b"), "hors taxes"),
    (re.compile(r"\bCB\b"), "carte bancaire"),
    (re.compile(r"\b(?:SVP|svp|Svp)\b"), "s'il vous plaît"),
    (re.compile(r"(?<=\d)\s?°"), " degrés"),
    # symbols
    (re.compile(r"\s*&\s*"), " et "),
    (re.compile(r"(?<!\S)\+(?=\s)|(?<=\w)\s?\+\s?(?=\w)"), " plus "),
    (re.compile(r"~\s?"), "environ "),
    (re.compile(rf"(?<=[{_LETTER}]{{2}})/(?=[{_LETTER}]{{2}})"), " ou "),
    (re.compile(r"\s/\s"), ", "),
    (re.compile(r"\s[-–—]\s"), ", "),
    # remaining numbers: decimals, integers (with gender), digits glued to letters
    (re.compile(r"(?<![\w,.])(\d+),(\d+)(?![\d,])"), _decimal),
    (re.compile(r"(?<![\w.])(\d+)\.(\d{1,2})(?![\d.])"), _decimal),
    (re.compile(rf"(?<!\w)({_INT})(?![{_LETTER}])(?=(\s+(?:{_FEMININE})\b)?)"), _integer),
    (re.compile(r"\d+"), _loose_digits),
    # tidy the spaces the rules may have doubled (never at the edges: streamed pieces)
    (re.compile(r"(?<=\S) {2,}(?=\S)"), " "),
    (re.compile(r" +(?=[,.])"), ""),
]


def apply_rules(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text
