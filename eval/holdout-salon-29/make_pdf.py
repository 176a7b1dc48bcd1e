"""Writes sources/flyer-dimanche-au-marche.pdf of held-out salon 29: the A5 flyer handed
out at the Sunday market (headings and paragraphs, one small ruled table). Run once; the
output is committed. `invariant` makes reportlab's output byte-stable.

Usage: .venv/bin/python eval/holdout-salon-29/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).parent / "sources" / "flyer-dimanche-au-marche.pdf"

SUNDAY_ROWS = [
    ("Au menu du dimanche", "Temps", "Tarif"),
    ("Coupe homme (shampoing inclus)", "25 min", "19 €"),
    ("Coupe tondeuse une hauteur", "15 min", "12 €"),
    ("Taille de barbe et contours", "15 min", "10 €"),
    ("Coupe enfant (moins de 10 ans)", "20 min", "13 €"),
    ("Brushing", "30 min", "20 €"),
]


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    body = st["BodyText"]
    story: list = [
        Paragraph("Coiffure Nouvelle Aventure", st["Title"]),
        Paragraph(
            "Le salon de quartier du marché de Wazemmes · 27 rue des Sarrazins, Lille · "
            "03 20 54 18 73",
            body,
        ),
        Spacer(1, 0.3 * cm),
        Paragraph("Le dimanche matin, on vous attend entre deux étals !", st["Heading2"]),
        Paragraph(
            "Chaque dimanche de 9 h à 13 h, pendant le marché, Nadia et Julien vous "
            "accueillent sans rendez-vous : vous déposez votre panier de légumes, on "
            "s'occupe de votre tête. Premier arrivé, premier installé. Dernière personne "
            "prise à 12 h 30. Le dimanche, pas de couleur ni de technique : uniquement "
            "les coupes, les barbes et les brushings ci-dessous.",
            body,
        ),
        Spacer(1, 0.2 * cm),
        Table(SUNDAY_ROWS, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])),
        Paragraph("Le carton fidélité", st["Heading2"]),
        Paragraph(
            "Un coup de tampon à chaque passage dès 15 € de prestation. Au bout de "
            "dix cases remplies, on vous déduit 15 € sur la visite suivante. Le carton "
            "est en papier : s'il est perdu, les tampons sont perdus aussi, on ne peut "
            "pas les retrouver dans la caisse. Un carton par personne, pas de carton "
            "partagé entre frères et sœurs.",
            body,
        ),
        Paragraph("Offrez vos longueurs", st["Heading2"]),
        Paragraph(
            "Vos cheveux font plus de 25 cm ? Ils peuvent devenir une perruque pour un "
            "enfant ou une femme en chimiothérapie. Nous les envoyons gratuitement à "
            "l'association Mèches Solidaires du Nord, et votre coupe avec shampoing et "
            "brushing vous revient à 20 € seulement.",
            body,
        ),
        Paragraph("Pratique", st["Heading2"]),
        Paragraph(
            "Règlement par carte à partir de 15 € ; en dessous, espèces uniquement. "
            "Nous n'acceptons pas les chèques. Le salon ferme pour les vacances du 9 au "
            "23 août 2027, ainsi que le dimanche 5 septembre 2027 (Braderie). "
            "Le reste de la semaine : du mardi au samedi, sur rendez-vous de "
            "préférence, au 03 20 54 18 73.",
            body,
        ),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(
        str(OUT),
        pagesize=A5,
        title="Coiffure Nouvelle Aventure — flyer du marché",
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.2 * cm,
    ).build(story)


if __name__ == "__main__":
    main()
