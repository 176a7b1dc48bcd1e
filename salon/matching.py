"""Which service a few words designate: the text matching shared by booking and kb.

Text is folded (case, accents, punctuation, filler words), each word crudely stemmed and
spelled by sound, then compared with a small edit tolerance for speech-recognition slips
("balaillage" → "balayage"). `score` is how a caller's words designate a service (an alias
said verbatim wins), used by `booking.services`; `designation` is the strict form used to
read documents (`kb.contradictions`): every word of the label must belong to the service.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from salon.profile import Service
from salon.text import plain_words as fold  # `"Mèches, cheveux"` → `"meches cheveux"`

_STOP = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "cet",
        "cette",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "m",
        "ma",
        "me",
        "mes",
        "moi",
        "mon",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "un",
        "une",
        "voudrais",
        "veux",
        "voulais",
        "souhaite",
        "souhaiterais",
        "aimerais",
        "faire",
        "prendre",
        "rendez",
        "vous",
        "rdv",
        "plait",
        "merci",
        "bonjour",
        "svp",
        "il",
        "elle",
        "y",
        "est",
        "c",
        "ca",
        "pas",
        "peu",
        "juste",
        "simple",
        "simplement",
        "aussi",
    ]
)


def _stem(token: str) -> str:
    """Crude French plural/feminine folding: `longues` → `long`, `courts` → `court`."""
    for suffix in ("ues", "ue", "es", "s", "x"):
        if len(token) > 4 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _sound(token: str) -> str:
    """Spelling variants that sound alike: `balaillage`/`balayage`, `méche`/`mèche`."""
    token = token.replace("ill", "y").replace("ph", "f").replace("qu", "k")
    return re.sub(r"(.)\1+", r"\1", token)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Folded, stemmed, sound-spelled words without function words."""
    return tuple(_sound(_stem(t)) for t in fold(text).split() if t not in _STOP)


@lru_cache(maxsize=65536)
def similar(a: str, b: str) -> bool:
    """The same word, give or take a slip (4 letters or more, 80 % alike). A word that
    is the other with a prefix is another word (« décoloration » is not « coloration »,
    « recoupe » not « coupe »): a slip changes letters, it does not add a syllable."""
    if a == b:
        return True
    short, long = sorted((len(a), len(b)))
    if short < 4 or long > 1.5 * short:  # the ratio cannot reach 0.8
        return False
    shorter, longer = sorted((a, b), key=len)
    if long - short >= 2 and longer.endswith(shorter):
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def _phrase_score(query: tuple[str, ...], phrase: tuple[str, ...]) -> float:
    if not query or not phrase:
        return 0.0
    matched_q = sum(1 for q in query if any(similar(q, p) for p in phrase))
    matched_p = sum(1 for p in phrase if any(similar(q, p) for q in query))
    return matched_q / len(query) + 0.5 * matched_p / len(phrase)


def score(query: str, service: Service) -> float:
    """How well `query` designates `service` (0 = not at all, >2 = an alias said verbatim)."""
    folded = f" {fold(query)} "
    best = 0.0
    for alias in (*service.aliases, service.name):
        phrase = fold(alias)
        if phrase and f" {phrase} " in folded:
            best = max(best, 2.0 + 0.1 * len(phrase.split()))
    said = tokens(query)
    for text in (service.name, service.id.replace("-", " "), *service.aliases):
        best = max(best, _phrase_score(said, tokens(text)))
    return best


def designation(label: str, service: Service) -> float:
    """How fully a document's label names `service`, in [0, 1]; 0 unless every word of
    the label belongs to the service's name, id or one of its aliases.

    The value is the share of the best phrase (name or alias) the label covers, so
    "Coupe homme" names the service "Coupe homme" (1.0) better than "Coupe homme dégradé
    à la tondeuse" (0.5), and "Soin … et brushing" names neither soin nor brushing.
    """
    words = tokens(label)
    if not words:
        return 0.0
    phrases = [
        tokens(text) for text in (service.name, service.id.replace("-", " "), *service.aliases)
    ]
    vocabulary = [p for phrase in phrases for p in phrase]
    if not all(any(similar(w, p) for p in vocabulary) for w in words):
        return 0.0
    return max(
        (sum(1 for p in phrase if any(similar(w, p) for w in words)) / len(phrase))
        for phrase in phrases
        if phrase
    )


_PACKAGE_WORDS = ("forfait", "formule", "pack", "duo", "menu")
_JOINED = re.compile(r"\b(?:et|avec|puis)\b")


def is_package(service: Service) -> bool:
    """A service the salon sells as several things together: its category or name says
    so (« Forfaits », « Formule … », « Pack … »), or its name or an alias joins two
    things (« Coupe et brushing », alias « couleur et coupe »). « balayage » alone means
    the balayage, not the package; « couleur et coupe » means the package, not two
    services."""
    head = fold(f"{service.category} {service.name}")
    if any(word in head for word in _PACKAGE_WORDS):
        return True
    return any(
        "+" in text or _JOINED.search(fold(text)) for text in (service.name, *service.aliases)
    )


def says_package(text: str) -> bool:
    """The caller asks for a package by name (« le forfait », « une formule ») or for
    two things together (« coupe et brushing »)."""
    folded = fold(text)
    return any(word in folded for word in _PACKAGE_WORDS) or bool(
        "+" in text or _JOINED.search(folded)
    )
