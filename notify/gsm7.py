"""GSM 03.38 (GSM-7): which characters keep an SMS in 160-character segments.

One character outside the GSM-7 default alphabet and its extension table turns the whole
SMS into UCS-2 (70 characters per segment). Extension characters (€ [ ] { } ^ ~ | \\ and
form feed) are sent as an escape plus one septet, so they count twice.
"""

from __future__ import annotations

import re
import unicodedata

from salon.text import strip_accents

# The default alphabet, in code order 0x00-0x7F (0x1B is the escape to the extension table).
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"
SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153

_BASIC_SET = frozenset(BASIC) - {"\x1b"}
_EXTENSION_SET = frozenset(EXTENSION)

# Common French (and typographic) characters outside GSM-7 and what a reader expects instead.
_REPLACEMENTS = {
    "’": "'",
    "‘": "'",
    "‚": ",",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‹": "'",
    "›": "'",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\t": " ",
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
    "°": "o",
    "×": "x",
    "À": "A",
    "È": "E",
    "Ù": "U",
    "Ì": "I",
    "Ò": "O",
}


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 default alphabet or its extension."""
    return all(ch in _BASIC_SET or ch in _EXTENSION_SET for ch in text)


def non_gsm7(text: str) -> list[str]:
    """The distinct characters of `text` that are not GSM-7, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if ch not in _BASIC_SET and ch not in _EXTENSION_SET and ch not in seen:
            seen.append(ch)
    return seen


def septets(text: str) -> int:
    """Length in GSM-7 septets (extension characters count 2); text must be GSM-7."""
    if not is_gsm7(text):
        raise ValueError(f"not GSM-7: {''.join(non_gsm7(text))!r}")
    return sum(2 if ch in _EXTENSION_SET else 1 for ch in text)


def segments(text: str) -> int:
    """How many SMS segments `text` takes (GSM-7 160/153, otherwise UCS-2 70/67)."""
    if is_gsm7(text):
        n, single, multi = septets(text), SINGLE_SEGMENT, MULTI_SEGMENT
    else:
        # UCS-2 counts UTF-16 code units: characters beyond the BMP (emoji) take two.
        n = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if n <= single:
        return 1
    return -(-n // multi)


def fits_one_segment(text: str) -> bool:
    return is_gsm7(text) and septets(text) <= SINGLE_SEGMENT


def to_gsm7(text: str) -> str:
    """Replace characters outside GSM-7 by what a French reader expects, drop the rest.

    ’ « » – … become ' " " - ...; ê â î ô û ë ï ç lose their accent (é è à ù keep theirs,
    they are GSM-7); emoji and other symbols with no plain equivalent are removed.
    """
    # French quotes carry inner spaces ("« oui »"); a straight quote does not.
    text = re.sub(r"«[\s\u00a0\u202f]*", '"', text)
    text = re.sub(r"[\s\u00a0\u202f]*»", '"', text)
    out: list[str] = []
    for ch in text:
        if ch in _BASIC_SET or ch in _EXTENSION_SET:
            out.append(ch)
            continue
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        # Strip accents: "ê" -> "e" + combining mark; keep the GSM-7 base letters.
        base = strip_accents(ch)
        if base and all(c in _BASIC_SET or c in _EXTENSION_SET for c in base):
            out.append(base)
        elif unicodedata.category(ch).startswith("Z"):
            out.append(" ")
        # anything else (emoji, pictographs, other scripts) is dropped
    return re.sub(r" {2,}", " ", "".join(out))
