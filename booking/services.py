"""Tolerant matching from what a caller says to one of the salon's bookable services.

Each service is scored against its name, its aliases and its id by `salon.matching.score`
(an alias heard verbatim wins; otherwise words are compared one by one with a small edit
tolerance for speech-recognition slips, "balaillage" → "balayage"). A clear winner is
returned; near-ties become a short French "which one?" question (at most three choices).
"""

from __future__ import annotations

from booking.calendar import ServiceMatch
from salon.matching import fold, is_package, says_package, score
from salon.matching import similar as _similar  # noqa: F401  (booking.helpers)

__all__ = ["MAX_CHOICES", "fold", "match_service"]
from salon.profile import Service

MAX_CHOICES = 3
_TIE = 0.05
_MIN_SCORE = 0.5


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
        plain = tuple(s for s in tied if not is_package(s))
        if plain and not says_package(text):
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
