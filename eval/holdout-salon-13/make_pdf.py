"""Writes sources/charte-et-soins-maison-celestine.pdf of the thirteenth held-out salon:
the house rules and the care treatments as headings and paragraphs, no table (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-13/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

OUT = Path(__file__).parent / "sources" / "charte-et-soins-maison-celestine.pdf"

TITLE = "Maison Célestine — Charte de la maison et carnet des soins"
INTRO = (
    "58 rue Vendôme, 69006 Lyon · 04 78 24 61 35 · maison-celestine.fr. "
    "Ce document est remis à chaque nouvelle cliente et à chaque nouveau client ; "
    "il est aussi affiché à l'accueil. Édition de septembre 2027."
)

CHARTE = [
    (
        "Réserver",
        "Les rendez-vous se prennent sur maison-celestine.fr, rubrique « Réserver », à toute "
        "heure, ou par téléphone pendant les heures d'ouverture. Vous choisissez la personne qui "
        "vous coiffe ou, à défaut, la première disponible. Une confirmation vous est envoyée par "
        "SMS.",
    ),
    (
        "Acompte",
        "Pour toute prestation dépassant 100 €, ainsi que pour le forfait mariée, un acompte de "
        "30 % est demandé au moment de la réservation, par carte bancaire. Il est déduit de la "
        "note le jour du rendez-vous. Lors d'une première réservation en ligne, une empreinte "
        "bancaire est enregistrée sans aucun débit.",
    ),
    (
        "Annulation et report",
        "Toute annulation ou modification doit nous parvenir au plus tard 48 heures avant "
        "l'heure prévue. En deçà, l'acompte reste acquis à la maison. Un rendez-vous non honoré "
        "sans prévenir est facturé à hauteur de 50 % de la prestation réservée ; après deux "
        "absences non excusées, la réservation en ligne vous est fermée et un acompte est exigé "
        "pour chaque rendez-vous.",
    ),
    (
        "Retards",
        "Nous vous attendons un quart d'heure. Au-delà, la prestation est adaptée au temps "
        "restant (une coupe sans brushing, par exemple) ou reportée, et l'acompte éventuel est "
        "conservé.",
    ),
    (
        "Première coloration : la touche d'essai",
        "Avant une première couleur, un balayage ou une décoloration chez nous, une touche "
        "d'essai est posée derrière l'oreille au moins 48 heures avant. Elle est gratuite, prend "
        "dix minutes et se fait sans rendez-vous aux heures d'ouverture.",
    ),
    (
        "Les enfants",
        "Nous coiffons les enfants dès 3 ans, accompagnés d'un adulte qui reste au salon pendant "
        "la prestation. Aucune coloration ni décoloration n'est réalisée avant 16 ans.",
    ),
    (
        "Nos amis les animaux",
        "Pour le confort de tous et pour des raisons d'hygiène, seuls les chiens guides et "
        "d'assistance sont admis dans le salon.",
    ),
    (
        "Bons cadeaux",
        "Valables un an à compter de l'achat, d'un montant libre à partir de 30 € ou pour une "
        "prestation précise. Ils s'achètent au salon ou sur le site, et vous sont envoyés par "
        "e-mail ou remis sur une carte imprimée. Ils ne sont ni remboursables ni échangeables "
        "contre des espèces.",
    ),
    (
        "Le Cercle Célestine",
        "Notre programme de fidélité est gratuit : adhésion à l'accueil ou dans votre espace "
        "client. Chaque euro dépensé en prestations rapporte un point ; à 300 points, un avoir de "
        "25 € vous attend, valable sur une prestation ou au coin boutique. Le mois de votre "
        "anniversaire, le soin hydratant express vous est offert. Les achats de produits ne "
        "rapportent pas de points, et les points s'effacent après 18 mois sans visite.",
    ),
    (
        "Votre satisfaction",
        "Si le résultat ne vous convient pas, prévenez-nous dans les 7 jours : une retouche est "
        "offerte, avec la même personne ou avec un directeur artistique.",
    ),
    (
        "Le coin boutique",
        "Un produit non ouvert s'échange sous 14 jours sur présentation du ticket. Pour des "
        "raisons d'hygiène, les accessoires de cheveux (pinces, barrettes, chouchous, brosses) "
        "ne sont ni repris ni échangés.",
    ),
]

SOINS = [
    (
        "Le botox capillaire",
        "Malgré son nom, il ne contient aucune toxine botulique : c'est un soin profond à base "
        "d'acide hyaluronique, de kératine et d'huiles végétales qui regonfle la fibre et "
        "discipline les frisottis sans raidir les cheveux. Il convient aux cheveux secs, poreux "
        "ou fragilisés par les décolorations. L'effet dure de quatre à six semaines selon la "
        "fréquence des shampooings. Il peut se faire le même jour qu'une couleur, toujours après "
        "celle-ci.",
    ),
    (
        "Le lissage brésilien à la kératine",
        "Notre formule est sans formol ni dérivés. Les cheveux restent disciplinés et brillants "
        "de trois à cinq mois. Après le lissage, attendez 72 heures avant le premier shampooing "
        "et ne les attachez pas, même avec une barrette. Des shampooings sans sulfates sont "
        "recommandés pour le faire durer. Par précaution, ce soin n'est pas réalisé pendant la "
        "grossesse ni l'allaitement.",
    ),
    (
        "Le soin Olaplex",
        "Appliqué pendant une décoloration ou un balayage, il reconstruit les liaisons internes "
        "de la fibre abîmées par l'éclaircissement. Nous le conseillons systématiquement pour "
        "les blonds polaires.",
    ),
    (
        "Le diagnostic du cuir chevelu",
        "Une caméra grossissante montre l'état du cuir chevelu et des racines ; suivent un "
        "massage crânien de dix minutes et des conseils de routine écrits sur votre fiche.",
    ),
]


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    story: list = [Paragraph(TITLE, st["Title"]), Paragraph(INTRO, st["BodyText"])]
    story.append(Spacer(1, 0.4 * cm))
    story.append(Paragraph("La charte de la maison", st["Heading1"]))
    for heading, text in CHARTE:
        story.append(Paragraph(heading, st["Heading2"]))
        story.append(Paragraph(text, st["BodyText"]))
    story.append(PageBreak())
    story.append(Paragraph("Le carnet des soins", st["Heading1"]))
    for heading, text in SOINS:
        story.append(Paragraph(heading, st["Heading2"]))
        story.append(Paragraph(text, st["BodyText"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(OUT), pagesize=A4, title=TITLE).build(story)


if __name__ == "__main__":
    main()
