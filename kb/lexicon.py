"""General French hair-salon vocabulary for retrieval: spoken forms, synonyms, answer types.

Written from the trade's and the callers' usual words, not from any question list, so a
salon the system has never seen gets the same help:

- `normalise_spoken(text)`: spoken or abbreviated forms a caller uses, in their written
  form ("cb", "carte bleue" → "carte bancaire"; "rdv" → "rendez-vous"). Applied before
  embedding and searching.
- `related(term)`: the BM25 stems of the words that mean the same thing in a salon
  ("mèches" / "balayage" / "reflets"; "garer" / "parking" / "stationnement"). They widen
  the lexical search and count as the word being found in a passage (coverage), never as
  the word itself for the dense side.
- `question_types(text)` and `passage_types(text)`: what kind of answer a question wants
  (a duration, a price, opening hours, a phone number, an address) and what kinds of value
  a passage holds, as one shared token each, so "ça prend combien de temps un balayage"
  meets "Balayage — 2 h 30" with no word in common. The words that only say the kind of
  question ("ça prend", "ça dure") are then not counted as topic words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.text import tokens
from salon.text import APOSTROPHES, fold

# What follows « pour monsieur » / « pour madame » when no name does: the end, a pause,
# or the next words of the question (« pour madame, c'est combien ? », « et pour monsieur »).
_SAID_AFTER_WHO = (
    r"(?=\s*(?:$|[?.!,;]|(?:et|ou|c|ce|ca|ça|combien|aussi|svp|merci|vous|je|il|elle|on|"
    r"qu|si|\d+)\b))"
)

# Spoken and abbreviated forms → the written form documents use (matched on folded text).
_SPOKEN = [
    (r"\b(?:la |une )?carte (?:bleue|visa|mastercard|de credit)\b", "carte bancaire"),
    (r"\bc\s?b\b", "carte bancaire"),
    (r"\bcash\b|\ben liquide\b|\bdu liquide\b", "en espèces"),
    (r"\brdv\b", "rendez-vous"),
    (r"\bapr[eè]m\b|\bapres midi\b", "après-midi"),
    (r"\bdispo\b|\bdispos\b", "disponible"),
    (r"\bpmr\b", "personnes à mobilité réduite"),
    (r"\bcolo\b", "coloration"),
    (r"\bados?\b", "adolescent"),
    (r"\bmail\b|\bemail\b|\bcourriel\b", "e-mail"),
    (r"\bwi[- ]?fi\b", "wifi"),
    (r"\bs\.?m\.?s\b", "SMS"),
    # people: the words a caller uses for who the visit is for
    (r"\bbouts? (?:de |d')chou\b", "enfant"),
    (r"\btout[- ]petits?\b", "jeunes enfants"),
    # grandchildren are children too; the joined « petitsenfants » would be an unknown word
    (r"\bpetite?s?[- ](enfants?|fils|filles?)\b", r"\1"),
    # a child by its place in the family or a pet name (« petit », « grand » alone frame)
    (r"\b(?:mon|ma|notre) (?:petite?|grande?) derni[eè]re?\b|\b(?:ma|notre) puce\b", "mon enfant"),
    (
        r"\b(?:mon|ma|notre) (?:petite?|grande?)"
        r"(?= (?:a|est|qui|fait|veut|voudrait|aimerait|doit|de \w+ ans)\b)",
        "mon enfant",
    ),
    (
        r"\b(mes|nos) (?:petit|grand)e?s"
        r"(?= (?:ont|sont|qui|font|veulent|voudraient|aimeraient|doivent|de \w+ et \w+ ans)\b)",
        r"\1 enfants",
    ),
    # a baby's first cut; « mes premières mèches » alone are an adult's first highlights
    (r"\b(?:ses |les |des )?premi[eè]res? m[eè]ches? coup[ée]es?\b", "la première coupe"),
    (r"\bpremier passage\b", "première visite"),
    # « monsieur » and « madame » are stop words (« bonjour madame »): only after a
    # determiner or « pour », and not before a name (« pour madame Martin »), do they say
    # who the visit is for
    (r"\b(?:un|ce) monsieur\b", "un homme"),
    (r"\bpour (?:le )?monsieur\b" + _SAID_AFTER_WHO, "pour un homme"),
    (r"\bpour madame\b" + _SAID_AFTER_WHO, "pour une femme"),
    # « bonjour messieurs dames » greets: it is not who the visit is for
    (r"\bmessieurs[- ]dames\b|\bmesdames(?: et)? messieurs\b", ""),
    (r"\bpersonnes? [âa]g[ée]es?\b|\btroisi[eè]me [âa]ge\b|\bvieilles? personnes?\b", "seniors"),
    # « mari » stems like « mars »: said as « époux », a word that frames the question
    (r"\bmari\b", "époux"),
    (r"\bdemoiselles? d'? ?honneur\b", "témoin"),
    (r"\b(?:[àa] la|en) fac\b", "étudiant"),
    # the hair itself, by its everyday names (documents say « cheveux »)
    (r"\b(?:ma|ta|sa|la) (?:crini[eè]re|tignasse|chevelure)\b", "les cheveux"),
    (r"\b(?:crini[eè]res?|tignasses?|tifs|tiffes)\b", "cheveux"),
    (r"\bscalp\b", "cuir chevelu"),
    (r"\bpoivre et sel\b", "grisonnants"),
    # a length said by where the hair stops, in the bands price lists use
    (
        r"\b(?:jusqu'? ?aux|aux|au niveau des|sur les|[àa] hauteur des|au ras des) [ée]paules\b",
        "mi-longs",
    ),
    (
        r"\bsous les [ée]paules\b|\b(?:au milieu|en bas|au bas|dans le bas) du dos\b|"
        r"\bjusqu'? ?(?:aux reins|aux fesses|[àa] la taille|au milieu du dos)\b",
        "longs",
    ),
    # services and tools
    (r"\bcoupe[- ]choux?\b", "rasoir"),
    (r"\btie (?:and|&|n'?|an'?) dye\b|\btie[- ]dye\b|\bdip[- ]dye\b", "tie and dye"),
    # older clients' words: « une mise en pli », « un coup de peigne » (a styling, not a
    # cut: « coup » stems like « coupe »), « coupe-brushing » (one list of services)
    (r"\bmise en pli\b", "mise en plis"),
    (r"\bun (?:petit )?coup de peigne\b", "un coiffage"),
    (r"\bun (?:petit )?coup de brosse\b", "un brushing"),
    (r"\b(coupe|shampoo?ing|couleur|soin)-(?=(?:coupe|brushing|mise|soin|couleur)\b)", r"\1 "),
    # men's cuts: the clipper cut by its everyday names; « à blanc » is not white hair
    (r"\b(?:la )?boule [àa] (?:z[ée]ro|0)\b", "tondeuse à ras"),
    (r"\b(d[ée]grad[ée]s?) [àa] blanc\b", r"\1 fade"),
    (r"\b(les|mes|ses|tes|vos|des) pattes\b", r"\1 favoris"),
    # textured hair
    (r"\bcorn ?rows?\b", "nattes collées"),
    (r"\b(un|le|du|au|des|les) relaxers?\b", r"\1 défrisage"),
    (r"\bwash (?:and|&|n'?|an'?) go\b", "wash and go des boucles"),
    (r"\blace[- ]?wigs?\b|\bwigs?\b", "perruque"),
    # anglicisms for a service or a tool
    (r"\bmake[- ]?up\b", "maquillage"),
    (r"\bbabyliss\b", "fer à boucler"),
    # money
    (r"\b(tarifs?|prix) (?:r[ée]duits?|pr[ée]f[ée]rentiels?)\b", r"\1 avec réduction"),
    (r"\bbons? plans?\b", "promotion"),
    (r"\b(?:apple|google|samsung) ?pay\b", "sans contact"),
    (
        r"\b(pa[yi](?:er|e|ez)|r[ée]gler) avec (?:mon|le|son|votre) "
        r"(?:t[ée]l[ée]phone|portable|smartphone|iphone)\b",
        r"\1 sans contact",
    ),
    (r"\bamex\b", "American Express"),
    (r"\b(fai(?:re|tes|s)) un (?:petit )?(?:prix|geste(?: commercial)?)\b", r"\1 une réduction"),
    (r"\b(?:un|le) (?:petit )?geste commercial\b|\bun petit geste\b", "une réduction"),
    (r"\b(?:[àa] |au )?p[ôo]le emploi\b|\bfrance travail\b|\bsans emploi\b", "demandeur d'emploi"),
    # booking
    (r"\bbooker\b|\bcaler\b", "réserver"),
    (r"\bbookings?\b", "réservation"),
    (r"\bbookez\b", "réservez"),
    (r"\bbook[ée]e?s?\b", "réservé"),
    (r"\bau pied lev[ée]\b", "sans rendez-vous"),
    (r"\bpos(?:er|ez) un lapin\b", "rater le rendez-vous"),
    (r"\bpos[ée]e? un lapin\b", "raté le rendez-vous"),
    # access and comfort
    (r"\bchaises? roulantes?\b", "fauteuil roulant"),
    (r"\bchiens? d'? ?aveugles?\b", "chien guide"),
    (r"\bclim\b", "climatisation"),
    # « ça marche ? » (does it work) is not « des marches » (steps, kept for access)
    (r"\b(?:ça|ca) marche\b", "ça fonctionne"),
    # everyday phrases for a service or a rule that documents name with one word
    (r"\b(?:[àa] la maison|chez moi|[àa] mon domicile)\b", "à domicile"),
    (r"\bfaire (?:friser|boucler|onduler)\b", "faire une permanente"),
    (r"\b[àa] l'? ?improviste\b|\bsans r[ée]server\b", "sans rendez-vous"),
    (r"\b(?:toutou|chienchien|chiot)\b", "chien"),
    # « quel temps il va faire » asks the weather, not a length of time
    (r"\bquel temps (?:il )?(?:fait|fera|va faire|faisait|est pr[ée]vu)\b", "la météo"),
    (r"\bil va pleuvoir\b|\bil pleut\b|\bil fait beau\b", "la météo"),
    # framing adverbs that stem like a salon word (« carrément » / « un carré »,
    # « simplement » / « une coupe simple »); « rapidement » frames, while « une coupe
    # rapide » asks for one (grouped with « express »)
    (r"\bcarr[ée]ment\b", "vraiment"),
    (r"\b(?:tout )?simplement\b", ""),
    (r"\brapidement\b", "vite"),
    (r"\b(?:une |petite )*question rapide\b", "une question"),
    (r"\ben gros\b", ""),
]
_SPOKEN_RE = [(re.compile(pattern, re.IGNORECASE), written) for pattern, written in _SPOKEN]


# In a document, « Coupe Monsieur », « Forfait Madame » name who the service is for; in a
# caller's mouth the same words are greetings (stop words, `kb.text.STOP_WORDS`).
_WRITTEN = [
    (re.compile(r"\b(?:monsieur|messieurs)\b", re.IGNORECASE), "homme"),
    (re.compile(r"\b(?:madame|mesdames)\b", re.IGNORECASE), "femme"),
]


def written_forms(text: str) -> str:
    """A passage's words as the search reads them: « Coupe Monsieur » is « Coupe homme »."""
    for pattern, word in _WRITTEN:
        text = pattern.sub(word, text)
    return text


def normalise_spoken(text: str) -> str:
    """Spoken/abbreviated forms replaced by their written form (accents kept elsewhere)."""
    for pattern, written in _SPOKEN_RE:
        text = pattern.sub(written, text)
    return text


# Single words that mean the same thing to a salon's caller (each group is symmetric).
# Phrases ("carte bleue") belong in _SPOKEN; words found in most passages of a salon
# ("rendez-vous", "carte") would only add noise.
_GROUPS = [
    # paying
    "payer paiement régler règlement payable paye payes payent verser versez",
    "espèces liquide monnaie billets",
    "chèque chèques chéquier",
    "acompte arrhes caution",
    "échelonner échelonné échelonnement fractionner fractionné mensualités",
    # prices, discounts, loyalty
    "réduction réductions réduc réducs remise remises promotion promotions promo promos "
    "rabais ristourne avantage avantages coupon coupons",
    "fidélité fidèle fidèles habitué habitués habituée habituées tampon tampons cagnotte",
    "parrainage parrainer parrain marraine filleul filleule",
    "étudiant étudiante étudiants étudiantes universitaire",
    "senior seniors retraité retraitée retraités pensionné pensionnée pensionnés",
    "chômeur chômeuse chômeurs chômage demandeur demandeurs rsa",
    "forfait forfaits formule formules pack",
    "supplément suppléments supplémentaire surcoût majoration majoré",
    # who the visit is for
    "enfant enfants fils fille fillette garçon garçonnet gamin gamine gamins gosse gosses "
    "môme mômes mioche minot marmot pitchoun fiston bambin bonhomme bébé bébés cadet cadette "
    "cadets cadettes loulou",
    "adolescent adolescente ado junior collégien collégienne lycéen lycéenne",
    "homme hommes messieurs masculin",
    "femme femmes dame dames féminin",
    # the hair as the caller describes it
    "épais épaisse épaisseur dense denses densité touffus touffue abondants abondante",
    "longs longues",
    "bouclés frisés crépus curly boucles bouclettes afro afros texturés texturé texturée",
    "blancs gris grisonnants",
    "abîmés abîmée cassants cassés fourchus réparateur réparation reconstruction "
    "reconstructeur cramés brûlés sensibilisés fragilisés",
    "hydratant hydratation hydrater nourrissant nutrition secs",
    "jaunir jaunissent jaune déjaunisseur",
    "pellicules antipelliculaire",
    "démangeaisons démange gratte grattent irritation irritations irrité irritée rougeurs "
    "eczéma psoriasis apaisant apaiser",
    "chute perte calvitie alopécie dégarni dégarnis dégarnie clairsemés",
    "gras grasses graissent graisse sébum",
    "frisottis frizz",
    "poux pou",
    # colour
    "couleur coloration teinture colorer coloriste teindre teinte teintes",
    "racines repousses repousse",
    "cacher couvrir camoufler camouflage",
    "mèches balayage reflets highlights éclaircissement babylights ombré dye",
    "décoloration décolorer platine blond éclaircir clair",
    # « un rinçage »: older clients' word for a toning rinse on white or grey hair
    "patine patines gloss glossing rinçage rinçages",
    "végétal végétale végétales henné",
    # cuts, styling and other services
    # a man's « juste les contours » is the trim a woman asks as « les pointes »
    "rafraîchir entretien pointes égaliser contour contours",
    "désépaissir désépaississement effiler effilage",
    "shampoing shampooing shampouiner shampouineuse lavage",
    "brushing coiffage séchage brush",
    "plis bigoudis bigoudi rouleaux casque casques",
    "chignon attache relevé relevés",
    "mariage mariée mariées noces cérémonie",
    "invitée invitées invité invités témoin témoins",
    "événement événements événementiel événementielle baptême communion shooting",
    "barbe barbes barbu rasage raser rasoir barbier moustache bouc barbichette barbichettes "
    "rouflaquettes favoris barbershop",
    "dégradé fade tondeuse sabot sabots tondre tondu tondue",
    "lissage défrisage défriser lisser raidir brésilien brésilienne nanoplastie",
    "permanente ondulation perm indéfrisable indéfrisables",
    "soin soins masque traitement rituel rituels",
    "démêler démêlant démêlage nœuds aprèsshampoing conditionneur conditioner",
    "tresses nattes tressage tresser braids",
    "vanilles vanille twists twist",
    "dreads dreadlocks locks locs retwist",
    "extensions rajouts",
    "perruque perruques postiche",
    # opening, closing, time
    "ouvert ouvrez ouvre ouverture ouvrir commencez",
    "fermé fermez ferme fermeture fermer finissez terminez",
    "rouvrez rouvrir réouverture reprise",
    "vacances congés estivale",
    # access and contact
    "garer stationner stationnement parking voiture parcmètre horodateur moto scooter",
    "métro tram tramway bus transports train rer",
    "arrêt station descendre descends",
    "vélo vélos bicyclette",
    "adresse situé située localisation emplacement",
    "interphone digicode sonnette",
    "accessible accessibilité fauteuil roulant handicapé handicap mobilité rampe invalide "
    "invalidité déambulateur béquilles poussette poussettes",
    # « plain-pied », « rez-de-chaussée » written joined: their parts (« pied ») are other words
    "escalier escaliers marche marches plainpied ascenseur étage étages rezdechaussée",
    "téléphone numéro appeler joindre",
    # booking
    "annuler annulation décommander empêchement imprévu désistement désister",
    "correction corriger rattraper arranger",
    "rappel message notification",
    "absence absent rater raté manquer manqué louper",
    "déplacer reporter décaler modifier modification",
    "satisfait satisfaite satisfaction insatisfait insatisfaite mécontent mécontente déçu "
    "déçue réclamation réclamations plainte",
    # shop and team
    "produits produit marques marque gamme",
    "vendez vendre vente acheter boutique",
    "spécialiste spécialité spécialités spécialisé experte expert",
    "coiffeur coiffeuse coiffeurs coiffeuses styliste stylistes",
    "patron patronne gérant gérante propriétaire fondateur fondatrice manager",
    "équipe personnel salarié salariée salariés collaborateur collaboratrice collaborateurs",
    "apprenti apprentis apprentie apprenties apprentissage alternance alternant alternante "
    "stagiaire stagiaires stage",
    "recruter recrutez recrutement embaucher embauchez embauche candidature candidatures "
    "postuler cv",
    "conseil conseils conseiller diagnostic bilan",
    "accepter acceptez acceptons acceptés acceptées prenez",
    "offrez offrir offert offerts offerte proposez proposer",
    # comfort, children's waiting, animals
    "wifi internet connexion",
    "boire boisson boissons café thé infusion tisane",
    "toilettes toilette wc sanitaires",
    "climatisation climatisé",
    "jouer jeux jouets coloriages tablette tablettes télévision",
    "chien chiens animaux animal chat",
    # a child's (or an adult's) fear of the chair
    "peur peurs peureux trouille craintif craintive angoisse angoissé anxieux anxiété "
    "stress stressé appréhension phobie pleurer pleure pleurs",
    # a child who will not sit still (« il n'est pas très sage »)
    "sage sages turbulent turbulente turbulents remuant remuante remuants",
    # a quick service: « une coupe rapide », « formule express »
    "rapide rapides express",
    # health and hygiene
    "allergie allergique allergies réaction tolérance intolérance",
    "enceinte enceintes grossesse allaitement allaiter",
    "risque risqué dangereux déconseillé",
    "nettoyer nettoyage désinfecter désinfection hygiène stériliser stérilisation",
]

# Spoken words that place or frame a question but name nothing a document would: not
# counted as topic words when judging whether the passages answer ("un parking à côté").
_INCIDENTAL = (
    "côté loin près proche autour coin venir viens vient aller vais utiliser utilisez "
    "utilise besoin possible chose truc ici vraiment souvent quelqu quelque gens moment "
    "maintenant toujours normalement demander renseigner renseignement info infos "
    "information informations question savoir arriver arrive arrivez laisser grave "
    "problème souci normal envie chercher cherche trouver connaît connait connais "
    "petit petite petits petites grand grande grands grandes partir partez enlever mère "
    "père sœur frère copine amie tête devenir refaire refait amener apporter ramener "
    "démarre démarrer tenir tient jamais reçoit recevoir reçois endroit crâne papa maman "
    "ensemble boulot "
    # feelings, opinions and story verbs around the question (« j'ai entendu dire que… »)
    "histoire occasion souhaiter souhait espérer espère penser pense croire crois sembler "
    "semble paraît entendu entendre raconter franchement vachement super génial sympa "
    "gentil gentille content contente heureux ravi aimer aime adore préfère préférer "
    "attendre façon manière excusez excuse désolé désolée pardon déranger dérange passer "
    "passe parler expliquer voir regarder recommander recommandé "
    # the people around the caller (who the visit is for is told by « enfant », « homme »…)
    "époux épouse conjoint conjointe compagnon compagne copain mamie mamy papi papy "
    "grandmère grandpère tante oncle cousin cousine neveu nièce voisin voisine collègue "
    "collègues "
    # why the caller is late
    "bouchon bouchons embouteillage embouteillages "
    # how much, how sure, how quick the caller says it (« vite fait », « environ »,
    # « justement »), and young callers' words of approval
    "vite environ directement justement honnêtement hello cool top nickel parfait parfaite "
    "impeccable"
)
INCIDENTAL = frozenset(t for word in _INCIDENTAL.split() for t in tokens(word))

# What callers ask a hair salon for that many salons do not offer (beauty, wellness,
# other trades). A question naming one of these that no passage mentions is most likely
# not answered by the documents: a signal for the `answerable` flag (kb.confidence).
_OTHER_SERVICES = (
    "extension extensions rajout rajouts tissage tissages perruque perruques postiche "
    "prothèse greffe implants locks locs retwist dreadlocks vanilles vanille twists twist cils "
    "sourcils rehaussement microblading "
    "maquillage maquilleuse manucure pédicure ongles onglerie vernis capsules "
    "épilation épiler cire laser visage gommage peeling botox injections lifting "
    "hammam sauna spa jacuzzi bronzage uv autobronzant tatouage tatouages piercing "
    "blanchiment dents amincissement drainage réflexologie naturopathie sophrologie "
    "toilettage vétérinaire pressing cordonnerie couture "
    "restaurant pharmacie médecin taxi météo pizza "
    "dreads esthétique esthéticienne massage massages solarium balnéothérapie yoga pilates "
    "ostéopathe ostéopathie kinésithérapeute acupuncture hypnose reiki shiatsu "
    "cryothérapie radiofréquence cellulite minceur micropigmentation dermopigmentation "
    "mésothérapie dermatologue dentiste infirmière nail nails "
    "photographe fleuriste serrurier repassage blanchisserie hôtel cinéma boulangerie "
    "supermarché lunettes opticien babysitting"
)
OTHER_SERVICES = frozenset(t for word in _OTHER_SERVICES.split() for t in tokens(word))


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in _GROUPS:
        stems = {t for word in group.split() for t in tokens(word)}
        for term in stems:
            table.setdefault(term, set()).update(stems - {term})
    return {term: frozenset(others) for term, others in table.items()}


def related(term: str) -> frozenset[str]:
    """The stems that mean the same as `term` in a salon (empty when none)."""
    return _table().get(term, frozenset())


# ------------------------------------------------------------------ answer types

DURATION, PRICE, HOURS, PHONE, ADDRESS, TEAM, FREQUENCY, AGE = (
    "typeduree",
    "typeprix",
    "typehoraire",
    "typetel",
    "typeadresse",
    "typeequipe",
    "typefrequence",
    "typeage",
)
ANSWER_KINDS = (DURATION, PRICE, HOURS, PHONE, ADDRESS, TEAM, FREQUENCY, AGE)

_QUESTION_TYPES = [
    (
        DURATION,
        r"combien de temps|(?<!toutes les )(?<!tous les )combien de minutes|combien d heures|\bdure\b|\bduree\b|\bprend\b.*\btemps\b|\btemps\b.*\bprend|"
        r"ca prend combien|\blongtemps\b|\bca dure\b",
    ),
    (
        PRICE,
        # not « combien de clients » (a count) nor « tous les combien » (how often)
        r"(?<!tous les )(?<!toutes les )\bcombien\b(?! de | d )|\bcombien d euros|"
        r"\bcombien de l heure|\bprix\b|\btarifs?\b|\bcoute\b|\bcouter\b|\bcher\b|"
        r"\bgratuite?s?\b|\bpayante?s?\b",
    ),
    (
        HOURS,
        # « à quelle heure », « à 18 heures 30 », not « combien de l'heure » (a price) nor
        # « un quart d'heure de retard » (a length of time)
        r"\bquelle heure|\bheures? d ouverture|\bheures? de fermeture|"
        r"\b(?:a|vers|jusqu a|avant|apres) \d{1,2}\s?(?:h|heures?)\b|\bhoraires?\b|"
        r"\bouver|\bouvr|\bferm|\brouvr|"
        r"\bfinissez\b|\bterminez\b|\bcommencez\b|"
        # « vous faites la pause déjeuner ou c'est en continu ? »
        r"\bpause (?:de |du )?(?:midi|dejeuner|dej)\b|\ben continu\b|\bnon stop\b|"
        r"\bentre midi et (?:deux|2)\b",
    ),
    # how often: « le bus passe toutes les combien », « tous les combien de temps »
    (
        FREQUENCY,
        r"\btou(?:te)?s les combien\b|\ba quelle frequence\b|\bfrequence\b|"
        r"\bcombien de fois par\b",
    ),
    # how old: « à partir de quel âge », « elle a quel âge »
    (AGE, r"\bquel age\b|\bage minimum\b|\bage minimal\b|\bplus de quel age\b"),
    (PHONE, r"\bnumero\b|\btelephone\b|\bappeler\b|\bjoindre\b"),
    (ADDRESS, r"\badresse\b|\bsitue|\bse trouve"),
    # who does what, who works when: « qui est-ce qui fait les couleurs », « c'est qui
    # qui s'occupe des hommes », « avec quelle coiffeuse », « elle travaille quels jours »
    (
        TEAM,
        r"\bqui (?:est[- ]ce qui |c est qui )?(?:fait|fais|s occupe|realise|coiffe|est specialiste)\b|"
        r"\bc est qui\b|\bavec qui\b|\bquel(?:le)?s? coiffeu|\bquelqu[- ]un qui\b|"
        r"\b(?:il|elle) travaille\b|\b(?:il|elle) est la\b",
    ),
]
_WHERE = re.compile(r"(?<![\w])où(?![\w])", re.IGNORECASE)
_DATED = re.compile(
    r"\b(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|"
    r"decembre|noel|paques|vacances|fetes|ferie|feries|conges|toussaint|reveillon)\b"
)
_CAN_DO = re.compile(r"\b(?:je peux|on peut|je pourrais|on pourrait|il y a|y a)\b")
_QUESTION_TYPES_RE = [(kind, re.compile(pattern)) for kind, pattern in _QUESTION_TYPES]
# Words that only say what kind of answer is wanted, once that kind is recognised ("ça
# prend combien de temps"): not topic words of the question.
_FRAME_WORDS = {
    DURATION: frozenset(
        t
        for w in ("prend", "dure", "durer", "durée", "longtemps", "compter", "prévoir")
        for t in tokens(w)
    ),
    PRICE: frozenset(t for w in ("cher", "revient", "compter") for t in tokens(w)),
    TEAM: frozenset(tokens("occupe")),
    HOURS: frozenset(
        t
        for w in ("heure", "heures", "horaire", "horaires", "pause", "déjeuner", "continu")
        for t in tokens(w)
    ),
    FREQUENCY: frozenset(t for w in ("fréquence", "passe", "passent") for t in tokens(w)),
    AGE: frozenset(tokens("âge")),
}

_PASSAGE_TYPES = [
    (
        DURATION,
        re.compile(
            r"\b\d{1,3}\s?(?:min\b|minutes\b|mn\b)|\b\d{1,2}\s?h(?:\s?\d{2})?\b(?!\s?(?:à|a|-|–)\s?\d)",
            re.I,
        ),
    ),
    (PRICE, re.compile(r"\d\s?€|€\s?\d|\beuros?\b|\bgratuit", re.I)),
    (
        FREQUENCY,
        re.compile(
            r"\btou(?:te)?s les (?:\d+|deux|trois|quatre|cinq|six|huit|dix|quinze|vingt)\b|"
            r"\bchaque (?:\d+|semaine|mois|jour|année)\b|\bfréquence|\b\d+ fois par\b|"
            r"\bpar (?:semaine|mois|an)\b",
            re.I,
        ),
    ),
    (
        AGE,
        re.compile(
            r"\b\d{1,2}\s?ans\b|\bâge\b|\b(?:deux|trois|quatre|cinq|six|dix|douze) ans\b", re.I
        ),
    ),
    # a passage about the team: its heading says so, or it lists someone's specialities
    (TEAM, re.compile(r"^[^\n]*\b[ée]quipe\b|\bspécialit[ée]s?\s?:", re.I)),
    (PHONE, re.compile(r"\b0\d(?:[\s.]?\d{2}){4}\b|\+33\s?\d")),
    (
        ADDRESS,
        re.compile(
            r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|place|quai|cours|allée|impasse|chemin|route)\b",
            re.I,
        ),
    ),
]


_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_DAY_RANGE = re.compile(
    rf"\b({'|'.join(_DAYS)})s?\s*(?:au|a|-|–|jusqu ?'?au)\s*({'|'.join(_DAYS)})s?\b"
)


def implied_days(text: str) -> list[str]:
    """The weekdays a range names without saying them (« du mardi au vendredi » →
    mercredi, jeudi), as tokens: a passage giving the week as a range then answers « vous
    êtes ouverts le mercredi ? » as well as one listing every day."""
    days: list[str] = []
    for first, last in _DAY_RANGE.findall(fold(text)):
        start, end = _DAYS.index(first), _DAYS.index(last)
        span = (end - start) % 7
        days += [_DAYS[(start + step) % 7] for step in range(1, span)]
    return [t for day in dict.fromkeys(days) for t in tokens(day)]


def question_types(text: str) -> list[str]:
    """The kinds of answer a spoken question asks for (tokens shared with passages)."""
    folded = fold(text.translate(APOSTROPHES)).replace("'", " ")
    kinds = [kind for kind, pattern in _QUESTION_TYPES_RE if pattern.search(folded)]
    # « c'est où ? » asks for the address; « où est-ce que je peux me garer ? » does not
    if _WHERE.search(text) and ADDRESS not in kinds and not _CAN_DO.search(folded):
        kinds.append(ADDRESS)
    # « vous êtes ouverts au mois d'août ? », « à Noël ? »: a closure, not the week's hours
    if HOURS in kinds and _DATED.search(folded):
        kinds.remove(HOURS)
    return kinds


_DAY_HOURS = re.compile(
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche).{0,40}?\d{1,2}\s?h", re.I
)
_RANGE_HOURS = re.compile(
    rf"(?:{'|'.join(_DAYS)})s?\s*(?:au|à|a|-|–)\s*(?:{'|'.join(_DAYS)}).{{0,30}}?\d{{1,2}}\s?h",
    re.I,
)


def _week_hours(text: str) -> bool:
    """Opening hours of the week: several days with their hours, or a range of days with
    hours (« du mardi au samedi de 9h à 19h »). One dated day with its hours is an
    exceptional closure or opening, not the week (« le vendredi 24 décembre : 9h-16h »)."""
    return len(_DAY_HOURS.findall(text)) >= 2 or bool(_RANGE_HOURS.search(text))


def passage_types(text: str) -> list[str]:
    """The kinds of value a passage holds (durations, prices, hours, phone, address)."""
    kinds = [kind for kind, pattern in _PASSAGE_TYPES if pattern.search(text)]
    if _week_hours(text):
        kinds.append(HOURS)
    return kinds


def frame_words(kinds: list[str]) -> frozenset[str]:
    """The stems that, for these kinds of question, only say what is asked ("prend")."""
    return frozenset(t for kind in kinds for t in _FRAME_WORDS.get(kind, ()))
