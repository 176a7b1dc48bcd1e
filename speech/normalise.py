"""French speech normalisation before text-to-speech (ElevenLabs flash v2.5 does none).

`normalize_for_tts(text)` rewrites what a French TTS reads badly into words: prices
("12,50 €" → "douze euros cinquante"), times ("14h30" → "quatorze heures trente",
"9h-19h" → "de neuf heures à dix-neuf heures"), dates ("mardi 3/12" → "mardi trois
décembre"), durations, phone numbers read in pairs, abbreviations ("RDV", "env."),
percentages, ordinals, e-mail and web addresses. Every number becomes words: a digit
read in the wrong language or as a year is worse than a formal phrasing.

Streamed LLM text is cut only where no rule can span the cut (see `SpeechStream`), so a
price or a phone number split over two chunks is still read correctly. Plug it into
LiveKit with::

    AgentSession(tts_text_transforms=["filter_markdown", "filter_emoji", tts_transform])

`python -m speech.normalise` (or `scripts/speech-text`) prints each stdin line as the TTS
receives it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import AsyncIterable, AsyncIterator, Callable

from speech.rules import apply_rules

__all__ = ["SpeechStream", "make_tts_transform", "normalize_for_tts", "tts_transform"]

logger = logging.getLogger("agent")

MAX_HOLD = 240  # characters held back at most while waiting for a safe cut

_WHITESPACE = re.compile(r"\s+")
# A token after which a cut is safe: a word of 3+ letters, maybe followed by punctuation.
_SAFE_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*[,;:!?.…)»\"]*")
# Abbreviations whose reading depends on what follows ("M. Dupont", "St Jean", "etc.",
# "du mar au sam").
_HOLD_TOKENS = {"des", "les", "entre", "env.", "etc.", "min.", "max.", "ste", "mme", "mlle"}
_HOLD_TOKENS |= {"lun", "mar", "mer", "jeu", "ven", "sam", "dim"}


def normalize_for_tts(text: str) -> str:
    """The text as a French TTS should receive it: numbers, symbols and shorthand in words.

    Leading and trailing whitespace is kept, so streamed pieces join up unchanged. It
    never raises: on an unexpected error the text is spoken as written (and logged).
    """
    if not text:
        return text
    try:
        return apply_rules(text)
    except Exception:
        logger.exception("speech normalisation failed; speaking the text as written")
        return text


def _safe_after(token: str) -> bool:
    if not _SAFE_TOKEN.fullmatch(token):
        return False
    letters = token.rstrip(',;:!?.…)»"')
    if len(letters) < 3:
        return False
    return token.lower() not in _HOLD_TOKENS and letters.lower() not in _HOLD_TOKENS


def _safe_cut(buffer: str) -> int:
    """The last index where the buffer can be cut without splitting a pattern, or 0.

    A cut sits just after whitespace that follows a plain word of three letters or more
    and precedes a letter: no rule joins such a word to the next one, and every rule that
    reads digits, symbols or short abbreviations keeps its whole span on one side.
    """
    for match in reversed(list(_WHITESPACE.finditer(buffer))):
        end = match.end()
        if end >= len(buffer) or not buffer[end].isalpha():
            continue
        token_start = buffer.rfind(" ", 0, match.start()) + 1
        token_start = max(token_start, buffer.rfind("\n", 0, match.start()) + 1)
        token = buffer[token_start : match.start()]
        # a dot read as part of an abbreviation ("déc. et") depends on what follows
        if token.endswith(".") and not buffer[end].isupper():
            continue
        if _safe_after(token):
            return end
    if len(buffer) > MAX_HOLD:
        last = buffer.rfind(" ", 0, len(buffer) - 1)
        return last + 1 if last > 0 else len(buffer)
    return 0


class SpeechStream:
    """Synchronous streaming normaliser: `push(chunk)` returns text ready for the TTS,
    `flush()` returns the rest at the end of the reply."""

    def __init__(self) -> None:
        self._buffer = ""

    def push(self, chunk: str) -> str:
        self._buffer += chunk
        cut = _safe_cut(self._buffer)
        if not cut:
            return ""
        ready, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return normalize_for_tts(ready)

    def flush(self) -> str:
        rest, self._buffer = self._buffer, ""
        return normalize_for_tts(rest) if rest else ""


async def tts_transform(text: AsyncIterable[str]) -> AsyncIterator[str]:
    """A LiveKit `tts_text_transforms` entry: AsyncIterable[str] → AsyncIterable[str]."""
    stream = SpeechStream()
    async for chunk in text:
        ready = stream.push(chunk)
        if ready:
            yield ready
    rest = stream.flush()
    if rest:
        yield rest


def make_tts_transform() -> Callable[[AsyncIterable[str]], AsyncIterator[str]]:
    """The transform to put in `AgentSession(tts_text_transforms=[...])`."""
    return tts_transform


def main(argv: list[str] | None = None) -> int:
    """Read lines on stdin, print each as the TTS will receive it, one per line."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(
            "usage: scripts/speech-text < lines.txt\n"
            "Prints each input line as the text-to-speech will receive it.\n"
            "example: echo 'Coupe 12,50 € à 14h30' | scripts/speech-text\n"
            "         → Coupe douze euros cinquante à quatorze heures trente"
        )
        return 0
    if args:
        print(f"speech-text: unexpected argument {args[0]!r} (try --help)", file=sys.stderr)
        return 2
    for line in sys.stdin:
        print(normalize_for_tts(line.rstrip("\n")), flush=True)
    return 0
