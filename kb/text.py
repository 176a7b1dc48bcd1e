"""French text handling for retrieval: BM25 tokens, spoken-query clean-up (folding: `salon.text`).

Everything here is general French, never specific to one salon: a held-out salon gets the
same treatment. Spoken questions arrive lowercase, without punctuation, with fillers and
numbers written as words ("euh c'est combien une coupe à vingt-cinq euros"); documents
arrive with accents and digits. Both sides go through `fold` and `tokens` so they meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from salon.text import APOSTROPHES, fold

_WORD = re.compile(r"[a-z]+|\d+")

# Function words and conversational words that carry no topic. Folded (no accents).
STOP_WORDS = frozenset(
    """
    a ai aie aient ait alors as au aucun aussi autre aux avec avez avoir avons c ca ce ceci cela
    celle celles celui ces cet cette ceux chez ci comme comment d dans de des deja du donc dont
    elle elles en encore es est et etaient etait etes etre eu eux fait faire faut hein il ils j je
    jusqu l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont
    ou par pas peu peut peux plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s
    sa se ses si son sont sur ta te tes toi ton tous tout toute toutes tu un une unes uns
    vos votre vous y voudrais voudrait voulais veux veut vouloir savoir sais sait dire dites
    pouvez pourriez pourrais puis est-ce estce bonjour bonsoir allo merci oui non ok okay
    euh heu hum hm ben bah bon voila genre svp plait plaît madame monsieur salut
    svp aussi aujourd juste bien tres trop combien quoi lequel laquelle lesquels faites font
    fais coute coutent couter cout dois doit devez exactement temps apres avant pendant depuis
    couterait couteraient coutera couteront coutait coutaient
    vers devant derriere
    """.split()  # noqa: SIM905
) | frozenset(
    # Conjugated forms of the auxiliary and modal verbs (être, avoir, aller, pouvoir,
    # vouloir, devoir, falloir, savoir) and of politeness verbs: grammar, never a topic
    # (« j'aurai un quart d'heure de retard », « je pourrai entrer », « je suis en… »).
    # « été » stays: it is also the summer.
    """
    suis sommes etais etions etiez serai seras sera serons serez seront serais serait
    serions seriez seraient sois soit soyons soyez soient fus fut
    aies ayons ayez avais avait avions aviez avaient aurai auras aura aurons aurez auront
    aurais aurait aurions auriez auraient eue eus
    vais vas va allons vont allais allait allions alliez allaient irai iras ira irons irez
    iront irais irait irions iriez iraient aille aillent
    peuvent pouvons pouvais pouvait pouvions pouviez pouvaient pourrai pourras pourra
    pourrons pourrez pourront pourrait pourrions pourraient puisse puissent pu
    voulons veulent voulait voulions vouliez voulaient voudrai voudras voudra voudrons
    voudrez voudront voudrions voudriez voudraient voulu
    devons doivent devais devait devions deviez devaient devrai devras devra devrons
    devrez devront devrais devrait devrions devriez devraient doive doivent
    faudra faudrait fallait fallu
    savons savent savais savait saurai saura saurais saurait
    aimerais aimerait aimerions souhaite souhaiterais souhaiterait souhaitons wesh
    bons
    """.split()  # noqa: SIM905
)

# Words a caller says that carry nothing for retrieval (dropped before embedding too).
_FILLERS = re.compile(
    r"\b(?:euh+|heu+|hum+|hm+|bah|ben|bon ben|du coup|en fait|genre|voila|voilà|"
    r"s il vous pla[iî]t|s'il vous pla[iî]t|s'il te pla[iî]t|svp|allo|allô|"
    r"alors|donc|enfin bref|bref|ouais|ouaip|mouais|ouf|oups|pfff*|beh|"
    r"(?:ah|oh|eh) (?:bah|ben|oui|non|d'accord|alors|ok|mais)|"
    r"dites[- ]moi|[ée]coutez|vous voyez|tu vois|voyez[- ]vous|vous savez|tu sais|"
    r"ma petite dame|mon petit monsieur|mademoiselle)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a lowercase word, accent-folded, without a noun's -ure."""
    return derive(fold(_stemmer().stemWord(word)))


# Snowball French removes inflections and some derivations (-ation, -ement) but keeps the
# nouns French makes from a verb or its participle with -ure: « ouverts » → « ouvert »
# but « ouverture » → « ouvertur », « coiffer » / « coiffure », « teint » / « teinture ».
# That suffix goes too (three letters left at least; not -eur / -our, which make other
# words: « couleur », « retour »). The -age nouns were measured and left alone: « raser »
# / « rasage » would also make « sèche-cheveux » meet « séchage » (kb/README.md).
_NOUN_URE = re.compile(r"^(?P<base>[a-z]{3,})(?<![eo])ur$")


def derive(stemmed: str) -> str:
    """A folded Snowball stem without the noun suffix -ure ("ouvertur" → "ouvert")."""
    match = _NOUN_URE.match(stemmed)
    return match["base"] if match else stemmed


_COMPOUND = re.compile(r"[^\W_]+(?:[-'][^\W_]+)+")

# A verb said where documents name the act with its -age noun: « me faire raser » /
# « rasage », « lisser » / « lissage », « balayer » / « balayage ». Snowball leaves the two
# apart (« ras » / « rasag »). Only the infinitive and the « vous » form are derived, and
# only from the question, so « sèche-cheveux » never meets « séchage » (kb/README.md).
_VERB = re.compile(r"[a-z]{3,}(?:er|ez)")


# How a French word sounds, roughly: what a speech recogniser keeps when it misspells a
# word it does not know (« balaillage » / « balayage », « brouching » / « brushing »,
# « kératyne » / « kératine »). Applied to folded stems, in this order.
_SOUNDS = [
    (r"ill", "y"),
    (r"y", "i"),
    (r"ph", "f"),
    (r"(?:sh|sch|ch)", "x"),
    (r"qu|c(?=[aou])|c$|ck|k", "k"),
    (r"c(?=[ei])|ç|z", "s"),
    (r"eau|au", "o"),
    (r"ou", "u"),
    (r"ai|ei", "e"),
    (r"h", ""),
    (r"(.)\1", r"\1"),
]
_SOUNDS_RE = [(re.compile(pattern), sound) for pattern, sound in _SOUNDS]


def sounds_like(stemmed: str) -> str:
    """A rough phonetic key of a folded stem, equal for two spellings that sound alike."""
    for pattern, sound in _SOUNDS_RE:
        stemmed = pattern.sub(sound, stemmed)
    return stemmed


def action_nouns(text: str) -> dict[str, frozenset[str]]:
    """Stems of the -age nouns of the verbs said in `text`, by the verb's stem."""
    out: dict[str, frozenset[str]] = {}
    for raw in re.findall(r"[^\W_]+", text.lower().translate(APOSTROPHES)):
        folded = fold(raw)
        if folded in STOP_WORDS or not _VERB.fullmatch(folded):
            continue
        out[stem(raw)] = frozenset({stem(folded[:-2] + "age")})
    return out


def tokens(text: str) -> list[str]:
    """BM25 tokens: lowercase words, stop words dropped, stemmed and folded; digits kept.

    A hyphenated or apostrophised compound also yields its joined form ("wi-fi" → "wi",
    "fi", "wifi"), so the spellings a speech recogniser or a writer picks meet.
    """
    lowered = text.lower().translate(APOSTROPHES)
    out: list[str] = []
    for raw in re.findall(r"[^\W_]+", lowered):
        folded = fold(raw)
        for piece in _WORD.findall(folded):
            if piece.isdigit():
                out.append(str(int(piece)) if len(piece) < 10 else piece)
                continue
            if len(piece) < 2 or piece in STOP_WORDS:
                continue
            out.append(stem(raw) if raw.isalpha() and fold(raw) == piece else stem(piece))
    for compound in _COMPOUND.findall(lowered):
        parts = re.split(r"[-']", compound)
        if parts[0] in _ELISIONS or any(ch.isdigit() for ch in compound):
            continue  # "l'entrée", "qu'il": an article, not a compound
        if all(fold(part) in STOP_WORDS for part in parts):
            continue  # "est-ce", "peut-être": grammar, not a word of its own
        out.append(stem("".join(parts)))
    return out


_ELISIONS = frozenset(
    ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"]
)


# Interrogatives whose answer is worded differently in documents: "c'est où ?" is answered
# by the passage that says "Adresse : …". Used on the lexical side only (BM25), not in the
# text that is embedded.
_QUESTION_HINTS = ((re.compile(r"(?<![\w])où(?![\w])", re.IGNORECASE), "adresse"),)


def question_hints(text: str) -> list[str]:
    """Extra BM25 terms for interrogatives the documents word differently."""
    return [t for pattern, hint in _QUESTION_HINTS if pattern.search(text) for t in tokens(hint)]


# --- numbers said as words -------------------------------------------------------------

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16,
}  # fmt: skip
_TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}  # fmt: skip
_NUMBER_WORDS = set(_UNITS) | set(_TENS) | {"cent", "cents", "mille", "et"}


def _parse_number(words: list[str]) -> int | None:
    """Value of a French number said as words (folded, split on spaces/hyphens), or None."""
    merged: list[str | int] = []
    for word in words:  # "quatre vingt" is eighty, not four and twenty
        if word in ("vingt", "vingts") and merged and merged[-1] == "quatre":
            merged[-1] = 80
        else:
            merged.append(word)
    total = 0
    current = 0
    for i, item in enumerate(merged):
        if isinstance(item, int):
            current += item
        elif item == "et":
            # "vingt et un", "soixante et onze": only between a ten and a unit.
            if i == 0 or i + 1 >= len(merged) or merged[i + 1] not in ("un", "une", "onze"):
                return None
        elif item in _UNITS:
            current += _UNITS[item]
        elif item in _TENS:
            current += _TENS[item]
        elif item in ("cent", "cents"):
            current = (current or 1) * 100
        elif item == "mille":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current if merged else None


def words_to_digits(text: str) -> str:
    """Replace runs of French number words by digits: "vingt-cinq euros" → "25 euros".

    A lone "un"/"une" is left alone (it is usually the article, not the number one).
    """
    parts = re.split(r"(\s+)", text)
    out: list[str] = []
    run: list[str] = []  # original words of the current number run

    def flush() -> None:
        if not run:
            return
        pieces = [p for w in run for p in fold(w).split("-") if p]
        value = _parse_number(list(pieces))
        if value is None or (len(pieces) == 1 and pieces[0] in ("un", "une", "et")):
            out.append(" ".join(run))
        else:
            trailing_et = pieces[-1] == "et"
            out.append(str(value) + (" et" if trailing_et else ""))
        run.clear()

    for part in parts:
        if not part or part.isspace():
            continue
        pieces = [p for p in fold(part).split("-") if p]
        if (
            pieces
            and all(p in _NUMBER_WORDS for p in pieces)
            and not (not run and pieces == ["et"])
        ):
            run.append(part)
            continue
        flush()
        out.append(part)
    flush()
    return " ".join(out)


def clean_spoken(text: str) -> str:
    """Spoken-query clean-up: fillers dropped, numbers said as words turned into digits."""
    text = text.translate(APOSTROPHES)
    text = _FILLERS.sub(" ", text)
    text = words_to_digits(text)
    return re.sub(r"\s+", " ", text).strip()
