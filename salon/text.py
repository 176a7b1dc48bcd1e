"""Accent folding, in one place: how French text is compared without case or accents.

- `strip_accents("Crème brûlée")` → `"Creme brulee"` (NFKD, combining marks dropped; case kept).
- `fold("L’Œil de Zoé")` → `"l'oeil de zoe"`: lowercase, no accents, ligatures expanded
  (œ → oe, æ → ae), typographic apostrophes made straight. Used by retrieval (BM25 tokens),
  intent detection, and anything else that compares what a caller said with what is written.
- `plain_words("Mèches, cheveux longs !")` → `"meches cheveux longs"`: `fold`, then only
  letters and digits, one space apart (names and service matching).
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """The text without accents (NFKD, combining marks dropped); case is kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase, no accents, ligatures expanded, apostrophes straight."""
    return strip_accents(text.translate(APOSTROPHES).translate(_LIGATURES).lower())


def plain_words(text: str) -> str:
    """`fold`, keeping only letters and digits, separated by single spaces."""
    return _NOT_WORD.sub(" ", fold(text)).strip()
