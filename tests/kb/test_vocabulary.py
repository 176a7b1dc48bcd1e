"""Unit tier: the salon vocabulary's word lists (`kb.lexicon`) hold together. Words a
caller says for the same thing are related both ways, everyday phrases take the written
form, no two groups meet through a shared stem by accident, every short stem is one we
chose, and the words that frame a question or name another trade stay apart from the
groups."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kb.lexicon import _GROUPS, INCIDENTAL, OTHER_SERVICES, normalise_spoken, related
from kb.text import tokens

# Stems two groups share, on purpose or because Snowball gives two words one stem.
SHARED_STEMS = {
    # « éclaircir » (décoloration) and « éclaircissement » (mèches): both lighten the hair
    "eclairc",
    # « stationner » (parking) and a métro « station »: Snowball stems both « station »;
    # a caller says « se garer » far more often than « stationner »
    "station",
}

# Stems of three letters or fewer: each names one thing in a salon's documents.
SHORT_STEMS = {
    "ado": "ado, adolescent",
    "beb": "bébé",
    "bus": "the bus",
    "caf": "café",
    "cv": "a job application's CV",
    "dam": "dame, dames",
    "dye": "tie and dye, dip dye",
    "fad": "a fade (dégradé)",
    "fil": "fils (son); also « fil », which documents use little",
    "fin": "finissez (closing); « fin » (end) shares it, found among the hours anyway",
    "gar": "garer (parking); a train « gare » shares it, both access",
    "ger": "gérant, gérante; « gérer » shares it",
    "hen": "henné",
    "jou": "jouer (children's games)",
    "loc": "locs (locks)",
    "mom": "môme",
    "noc": "noces",
    "pai": "payer, paiement",
    "pay": "paye, payes",
    "pou": "pou, poux (« pour » is a stop word)",
    "rab": "rabais",
    "ras": "raser",
    "rat": "rater, raté",
    "rer": "the RER",
    "rsa": "the RSA (a jobseeker's allowance)",
    "sag": "sage, sages (a child who sits still)",
    "sec": "secs (dry hair); « shampoing sec » shares it",
    "the": "thé",
    "wc": "WC",
    "wif": "wifi",
}


def _stem(word: str) -> str:
    [stem] = tokens(word)
    return stem


def _groups() -> list[dict[str, str]]:
    """Each group as its stems, each with the word that gave it."""
    return [{t: word for word in group.split() for t in tokens(word)} for group in _GROUPS]


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("gamine", "enfant"),
        ("bébé", "enfant"),
        ("réduc", "promotion"),
        ("habituées", "fidélité"),
        ("patronne", "gérante"),
        ("plainpied", "escalier"),
        ("marches", "ascenseur"),
        ("trouille", "peur"),
        ("rasoir", "barbe"),
        ("ombré", "balayage"),
        ("retraités", "senior"),
        ("lycéenne", "adolescent"),
        ("chômage", "demandeur"),
        ("alopécie", "calvitie"),
        ("tolérance", "allergie"),
        ("infusion", "boisson"),
        ("béquilles", "accessible"),
        ("désistement", "annulation"),
        ("mécontente", "réclamation"),
        # older clients' words
        ("indéfrisable", "permanente"),
        ("rinçage", "patine"),
        ("casque", "bigoudis"),
        # men's grooming
        ("barbichette", "barbe"),
        ("rouflaquettes", "favoris"),
        ("barbershop", "barbier"),
        ("sabot", "tondeuse"),
        ("tondu", "dégradé"),
        ("contours", "pointes"),
        # children
        ("cadette", "enfant"),
        # « une dame », « les messieurs » (« madame », « monsieur » are stop words)
        ("dame", "femme"),
        ("messieurs", "homme"),
        ("turbulent", "sage"),
        # textured hair
        ("vanilles", "twists"),
        ("retwist", "locks"),
        ("démêlage", "démêlant"),
        ("conditioner", "démêlant"),
        ("texturés", "crépus"),
        # discounts and status
        ("coupon", "réduction"),
        ("cagnotte", "tampons"),
        ("pensionnés", "retraités"),
        ("rsa", "chômage"),
        # young callers' words
        ("shooting", "événement"),
        ("express", "rapide"),
    ],
)
def test_words_said_for_the_same_thing_are_related_both_ways(said: str, written: str) -> None:
    assert _stem(written) in related(_stem(said))
    assert _stem(said) in related(_stem(written))


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("escalier", "pied"),  # « plain-pied » is grouped joined, « à pied » is walking
        ("étudiant", "face"),  # « en face du salon »
        ("lissage", "lisseur"),  # a straightening service is not a straightener for sale
        ("barbe", "cils"),
        ("nocturne", "soirée"),  # a late opening is not an evening hairdo
        ("réduction", "réduite"),  # « mobilité réduite »
        ("sage", "agit"),  # « il s'agit de… »
        ("vanilles", "tresses"),  # a salon braiding may not twist
        ("indéfrisable", "défrisage"),  # a perm is not a straightening
        ("rinçage", "shampoing"),  # the old colour rinse, not rinsing
        ("rapide", "vite"),  # « une coupe rapide » is asked for, « vite fait » frames
    ],
)
def test_words_that_only_look_alike_are_not_related(word: str, other: str) -> None:
    assert _stem(other) not in related(_stem(word))


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("je suis en chaise roulante", "je suis en fauteuil roulant"),
        ("un rasage au coupe-chou", "un rasage au rasoir"),
        ("couper ma crinière", "couper les cheveux"),
        ("mon bout de chou a trois ans", "mon enfant a trois ans"),
        ("j'ai les cheveux aux épaules", "j'ai les cheveux mi-longs"),
        ("c'est quoi le tarif réduit", "c'est quoi le tarif avec réduction"),
        ("je peux payer avec mon téléphone", "je peux payer sans contact"),
        ("une coupe pour mon mari", "une coupe pour mon époux"),
        ("comment ça marche la fidélité", "comment ça fonctionne la fidélité"),
        ("il y a des marches à l'entrée", "il y a des marches à l'entrée"),
        ("je suis à la fac", "je suis étudiant"),
        # older clients
        ("une mise en pli", "une mise en plis"),
        ("juste un coup de peigne", "juste un coiffage"),
        ("un coupe-brushing", "un coupe brushing"),
        # men
        ("la boule à 0", "tondeuse à ras"),
        ("un dégradé à blanc", "un dégradé fade"),
        ("tailler les pattes", "tailler les favoris"),
        # children
        ("mon petit dernier a peur", "mon enfant a peur"),
        ("ma grande a 12 ans", "mon enfant a 12 ans"),
        ("mes petits ont 4 et 6 ans", "mes enfants ont 4 et 6 ans"),
        ("mes petits-enfants", "mes enfants"),
        ("les premières mèches coupées de bébé", "la première coupe de bébé"),
        # textured hair
        ("des cornrows", "des nattes collées"),
        ("un relaxer", "un défrisage"),
        ("une lace wig", "une perruque"),
        # discounts, anglicisms
        ("vous me faites un petit prix", "vous me faites une réduction"),
        ("un geste commercial", "une réduction"),
        ("je suis à pôle emploi", "je suis demandeur d'emploi"),
        ("je peux booker en ligne", "je peux réserver en ligne"),
        ("le make-up de la mariée", "le maquillage de la mariée"),
        ("c'est carrément loin", "c'est vraiment loin"),
        # who the visit is for: « monsieur » and « madame » after « un » or « pour »
        ("une coupe pour un monsieur", "une coupe pour un homme"),
        ("c'est pour madame, c'est combien", "c'est pour une femme, c'est combien"),
        ("et pour monsieur ?", "et pour un homme ?"),
    ],
)
def test_everyday_phrases_take_the_written_form(said: str, written: str) -> None:
    assert normalise_spoken(said) == written


@pytest.mark.parametrize(
    "said",
    [
        "bonjour madame je voudrais une coupe",
        "bonjour monsieur",
        "c'est pour madame martin je voudrais annuler",  # a name, not who the cut is for
        "ma grande sœur a les cheveux longs",
        "mon grand-père voudrait une coupe",
        "mes premières mèches",  # an adult's first highlights
        "une coupe rapide",
        "je voudrais me relaxer",
    ],
)
def test_phrases_that_only_look_like_one_keep_their_words(said: str) -> None:
    assert normalise_spoken(said) == said


@pytest.mark.parametrize(
    "greeting",
    ["bonjour madame, c'est pour un rendez-vous", "bonjour messieurs dames, un rendez-vous"],
)
def test_a_greeting_does_not_say_who_the_visit_is_for(greeting: str) -> None:
    said = set(tokens(normalise_spoken(greeting)))
    who = {_stem("homme"), _stem("femme")}
    assert said.isdisjoint(who | {r for t in who for r in related(t)})


@pytest.mark.parametrize(
    "framing",
    ["vite fait", "environ", "justement", "directement", "honnêtement", "carrément",
     "tout simplement", "rapidement", "une petite question rapide", "en gros", "hello", "top"],
)  # fmt: skip
def test_framing_words_name_no_topic(framing: str) -> None:
    said = tokens(normalise_spoken(framing))
    assert [t for t in said if t not in INCIDENTAL] == []


def test_every_word_of_a_group_gives_a_stem() -> None:
    dead = [word for group in _GROUPS for word in group.split() if not tokens(word)]
    assert dead == []


def test_no_two_groups_share_a_stem_unless_listed() -> None:
    owners: dict[str, set[int]] = defaultdict(set)
    for i, stems in enumerate(_groups()):
        for t in stems:
            owners[t].add(i)
    shared = {t for t, groups in owners.items() if len(groups) > 1}
    assert shared == SHARED_STEMS


def test_every_short_stem_is_listed_with_what_it_names() -> None:
    short = {t for stems in _groups() for t in stems if len(t) <= 3}
    assert short == set(SHORT_STEMS)


def test_words_found_in_most_passages_are_in_no_group() -> None:
    stems = {t for group in _groups() for t in group}
    common = ("cheveux", "coiffure", "salon", "rendez-vous", "coupe", "prix", "tarif", "carte")
    assert stems.isdisjoint(t for word in common for t in tokens(word))


def test_framing_words_other_trades_and_groups_stay_apart() -> None:
    stems = {t for group in _groups() for t in group}
    assert INCIDENTAL.isdisjoint(OTHER_SERVICES)
    assert INCIDENTAL.isdisjoint(stems)
    # a group is wholly other trades (« extensions » / « rajouts ») or holds none: an
    # everyday word tied to another trade would hide that the salon does not offer it
    mixed = [
        sorted(group.values())
        for group in _groups()
        if not set(group).isdisjoint(OTHER_SERVICES) and not set(group) <= OTHER_SERVICES
    ]
    assert mixed == []
