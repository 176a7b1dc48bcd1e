"""Tolerant matching from what a caller says to one of the salon's bookable services.

Text is folded (case, accents, punctuation, filler words), then each service is scored
against its name, its aliases and its id: an alias heard verbatim wins; otherwise words
are compared one by one with a small edit tolerance for speech-recognition slips
("balaillage" → "balayage"). A clear winner is returned; near-ties become a short French
"which one?" question (at most three choices).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from booking.calendar import ServiceMatch
from salon.profile import Service
from salon.text import plain_words as fold  # `"Mèches, cheveux"` → `"meches cheveux"`

MAX_CHOICES = 3
_TIE = 0.05
_MIN_SCORE = 0.5

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


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_sound(_stem(t)) for t in fold(text).split() if t not in _STOP)


@lru_cache(maxsize=4096)
def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _phrase_score(query: tuple[str, ...], phrase: tuple[str, ...]) -> float:
    if not query or not phrase:
        return 0.0
    matched_q = sum(1 for q in query if any(_similar(q, p) for p in phrase))
    matched_p = sum(1 for p in phrase if any(_similar(q, p) for q in query))
    return matched_q / len(query) + 0.5 * matched_p / len(phrase)


def score(query: str, service: Service) -> float:
    """How well `query` designates `service` (0 = not at all, >2 = an alias said verbatim)."""
    folded = f" {fold(query)} "
    best = 0.0
    for alias in (*service.aliases, service.name):
        phrase = fold(alias)
        if phrase and f" {phrase} " in folded:
            best = max(best, 2.0 + 0.1 * len(phrase.split()))
    tokens = _tokens(query)
    for text in (service.name, service.id.replace("-", " "), *service.aliases):
        best = max(best, _phrase_score(tokens, _tokens(text)))
    return best


def _question(candidates: tuple[Service, ...]) -> str:
    names = [c.name for c in candidates]
    listed = ", ".join(names[:-1]) + ", ou " + names[-1] if len(names) > 1 else names[0]
    return f"Pour être sûre de réserver la bonne prestation, s'agit-il de : {listed} ?"


def match_service(text: str, services: tuple[Service, ...]) -> ServiceMatch:
    """One confident match, or up to three candidates with a French "which one?" question."""
    bookable = tuple(s for s in services if s.bookable)
    ranked = sorted(((score(text, s), s) for s in bookable), key=lambda pair: -pair[0])
    if not ranked or ranked[0][0] < _MIN_SCORE:
        return ServiceMatch(
            service=None,
            question="Je n'ai pas trouvé cette prestation. Pouvez-vous me dire ce que vous "
            "souhaitez faire, par exemple une coupe, une couleur ou un brushing ?",
        )
    top = ranked[0][0]
    tied = tuple(s for sc, s in ranked if sc >= top - _TIE)
    if len(tied) > 1:
        plain = tuple(s for s in tied if fold(s.category) != "forfaits")
        if plain and "forfait" not in fold(text):
            tied = plain  # "balayage" alone means the service, not the package deal
    if len(tied) == 1:
        return ServiceMatch(service=tied[0])
    choices = tied[:MAX_CHOICES]
    categories = list(dict.fromkeys(s.category for s in tied if s.category))
    if len(tied) > MAX_CHOICES and len(categories) > 1:
        listed = ", ".join(c.lower() for c in categories[:-1]) + " ou " + categories[-1].lower()
        question = f"Bien sûr. Est-ce pour une prestation {listed} ?"
        return ServiceMatch(service=None, candidates=choices, question=question)
    return ServiceMatch(service=None, candidates=choices, question=_question(choices))
