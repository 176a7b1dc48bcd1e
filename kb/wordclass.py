"""What kind of word a caller said, for the `answerable` signals (`kb.signals`).

Two general classes of French words are never the topic a document must name to answer:

- **time and quantity words**, a closed class: weekdays, months, seasons, public
  holidays, parts of the day (« jeudi soir »), days relative to another (« la veille »,
  « le lendemain »), units of time, money and distance (« vingt minutes »), numbers and
  ordinals said as words. A salon's documents state times and amounts in their own way
  (« 20 h 30 », « 24 heures avant », « 15 € »): a caller's « soir » or « veille » missing
  from every passage says nothing about whether the documents answer.
- **manner and discourse adverbs** in -ment (« facilement », « rapidement »,
  « actuellement »), recognised by their ending when they are not said right after a
  determiner (« le paiement », « du stationnement » are nouns).

Nouns (words said right after a determiner: « une coupe pour mon chien ») are the
things a caller names, which a document answering would name too.

The lists are written from French grammar, not from any question list. Words whose
everyday sense is also a thing a salon may offer or lack are left out: « soirée » (an
evening event: « coiffure de soirée »), « fois » (« payer en plusieurs fois »).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kb.lexicon import question_types
from kb.text import STOP_WORDS, action_nouns, tokens
from salon.text import APOSTROPHES, fold

_TIME = """
lundi mardi mercredi jeudi vendredi samedi dimanche lundis mardis mercredis jeudis
vendredis samedis dimanches semaine semaines weekend week end jour jours journee journees
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
printemps ete automne hiver noel paques toussaint pentecote ascension reveillon ferie feries

matin matins matinee midi apres aprem soir soirs nuit nuits minuit aube
hier demain aujourd veille avant lendemain surlendemain
heure heures minute minutes seconde secondes mois an ans annee annees siecle
age tot tard prochain prochaine prochains prochaines dernier derniere derniers dernieres
"""

_QUANTITY = """
zero un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze
seize vingt vingts trente quarante cinquante soixante septante octante nonante cent cents
mille million millions milliard
premier premiere deuxieme second seconde troisieme quatrieme cinquieme sixieme septieme
huitieme neuvieme dixieme
demi demie quart quarts tiers moitie double triple plusieurs quelques
euro euros centime centimes
metre metres kilometre kilometres km cm mm kilo kilos gramme grammes litre litres
"""

TIME_WORDS = frozenset(_TIME.split())
QUANTITY_WORDS = frozenset(_QUANTITY.split())
_CLOSED_CLASS = TIME_WORDS | QUANTITY_WORDS

# Words that introduce a noun in French: articles, contractions, possessives, demonstratives
# and interrogative determiners (folded).
_DETERMINERS = (
    "le la les l un une des du de d au aux mon ma mes ton ta tes son sa ses notre nos votre "
    "vos leur leurs ce cet cette ces quel quelle quels quelles"
)
DETERMINERS = frozenset(_DETERMINERS.split())

_WORD = re.compile(r"[^\W_]+")
_ADVERB = re.compile(r"[a-z]{3,}(?:ement|ament|emment|amment|ument|iment|ément)$")


@dataclass(frozen=True)
class SaidWords:
    """Stems of the words of one question, by kind."""

    nouns: frozenset[str] = frozenset()  # said right after a determiner
    minor: frozenset[str] = frozenset()  # time/quantity words and -ment adverbs
    # said right after a noun, not a noun itself: « tresses africaines », « balayage
    # caramel » — usually a kind of the thing named, weaker evidence than the noun
    modifiers: frozenset[str] = frozenset()
    # the -age noun of a verb said (« raser » → « rasage », `kb.text.action_nouns`)
    derived: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # the kinds of answer asked for (a price, a duration…, `kb.lexicon.question_types`)
    kinds: tuple[str, ...] = ()
    # said only in the story the caller tells before asking (`story_length`)
    story: frozenset[str] = frozenset()


def said_words(text: str) -> SaidWords:
    """Sort the words of `text` into nouns and minor words (stems, as `kb.text.tokens`).

    A word is minor when its folded form is a time or quantity word, or when it ends like
    an adverb (-ment) and does not follow a determiner. A stem that is also a noun said
    elsewhere in the question stays a noun.
    """
    words = _WORD.findall(text.lower().translate(APOSTROPHES))
    folded = [fold(w) for w in words]
    nouns: set[str] = set()
    minor: set[str] = set()
    modifiers: set[str] = set()
    previous_noun = False
    for i, (word, plain) in enumerate(zip(words, folded, strict=True)):
        after_determiner = i > 0 and folded[i - 1] in DETERMINERS
        stems = tokens(word)
        if plain in _CLOSED_CLASS or (not after_determiner and _ADVERB.fullmatch(plain)):
            minor.update(stems)
        elif after_determiner:
            nouns.update(stems)
        elif previous_noun and plain not in STOP_WORDS:
            modifiers.update(stems)
        previous_noun = after_determiner and bool(stems)
    told = story_length(folded)
    # The kind of answer is read from the question itself, not from the story before it
    # (« j'ai une pause d'une heure à midi, le dégradé ça prend combien de temps ? »).
    kinds = question_types(" ".join(words[told:]) if told else text)
    asked = {t for word in words[told:] for t in tokens(word)}
    story = {t for word in words[:told] for t in tokens(word)} - asked
    return SaidWords(
        story=frozenset(story),
        nouns=frozenset(nouns),
        minor=frozenset(minor - nouns),
        modifiers=frozenset(modifiers - nouns - minor),
        derived=action_nouns(text),
        kinds=tuple(kinds),
    )


# Where the question itself starts, once a caller has told their story (folded words):
# « est-ce que », « c'est combien / qui / quand… », « vous prenez / faites… », « combien »,
# « à quelle heure », « il y a », « je peux »…
_ASKING = re.compile(
    r"\b(?:est ce que?|c est (?:combien|quoi|qui|quand|ou|comment|possible|cher|payant|gratuit)|"
    r"vous (?:\w+ez|etes|faites|dites)|combien|quand|a quelle heure|quel|quelle|quels|quelles|"
    r"comment|pourquoi|y a t il|il y a|y a|faut il|il faut|faut|je peux|je pourrais|je dois|"
    r"on peut|on pourrait|ca (?:coute|fait|prend|dure))\b"
)
# A story is told in the first person or about one's own (« j'ai… », « mon fils… »,
# « c'est pour ma fille… »); « le marché, il finit à quelle heure » tells none.
_TELLING = re.compile(r"\b(?:je|j|moi|nous|mon|ma|mes|c est pour)\b")
# « je voudrais une coupe, c'est combien » asks for its topic before the question word.
_REQUESTING = re.compile(
    r"\b(?:je|j) (?:voudrais|veux|voulais|cherche|aimerais|souhaite|souhaiterais|souhaitais)\b"
)
MIN_STORY_WORDS = 3


def story_length(folded: list[str]) -> int:
    """How many of the first words are the story a caller tells before asking (« j'ai une
    crinière énorme, est-ce que la couleur me coûtera plus cher ? »): the words before the
    first question word, when they are at least `MIN_STORY_WORDS`, tell something in the
    first person and request nothing. Written from French grammar, not from questions."""
    text = " ".join(folded)
    for asked in _ASKING.finditer(text):
        before = text[: asked.start()]
        if len(before.split()) < MIN_STORY_WORDS:
            continue
        request = _REQUESTING.search(before)
        if request:
            before = before[: request.start()]
        if asked.group().startswith("ca "):
            # « …, le dégradé ça prend combien ? »: the thing « ça » takes up is asked about
            said = before.split()
            last = max((i for i, w in enumerate(said) if w in DETERMINERS), default=0)
            before = " ".join(said[:last])
        if len(before.split()) >= MIN_STORY_WORDS and _TELLING.search(before):
            return len(before.split())
        return 0
    return 0
