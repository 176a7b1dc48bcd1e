"""Writes sources/carte-tarifs-hiver-2026.pdf of held-out salon 28 (run once; output committed).

The cuts table has one price column per stylist level (junior / senior / directrice
artistique); the colour bar, care and school-night tables have a single price.

Usage: .venv/bin/python eval/holdout-salon-28/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).parent / "sources" / "carte-tarifs-hiver-2026.pdf"

LEVELS = ("Prestation", "Durée", "Junior", "Senior", "Directrice artistique")
CUTS = [
    ("Coupe femme, cheveux courts", "45 min", "34 €", "42 €", "58 €"),
    ("Coupe femme, cheveux mi-longs et longs", "1h", "39 €", "48 €", "65 €"),
    ("Coupe de transformation", "1h15", "48 €", "60 €", "80 €"),
    ("Coupe homme", "30 min", "22 €", "27 €", "38 €"),
    ("Coupe homme et taille de barbe", "45 min", "30 €", "36 €", "48 €"),
    ("Brushing, cheveux courts", "30 min", "22 €", "27 €", "35 €"),
    ("Brushing, cheveux longs", "45 min", "28 €", "34 €", "42 €"),
]
SINGLE = ("Prestation", "Durée", "Prix")
UNIQUE = [
    ("Coupe enfant (moins de 12 ans)", "20 min", "16 €"),
    ("Coupe de frange", "10 min", "8 €"),
    ("Taille de barbe seule", "20 min", "15 €"),
    ("Coupe cheveux bouclés à sec (avec Awa)", "1h15", "55 €"),
    ("Chignon ou attache", "1h", "à partir de 55 €"),
    ("Tresses et nattes", "45 min", "à partir de 30 €"),
    ("Coiffure de mariée avec essai", "2h30", "180 €"),
]
COLOUR = [
    ("Diagnostic couleur", "20 min", "offert"),
    ("Couleur racines", "1h15", "45 €"),
    ("Couleur complète", "1h30", "59 €"),
    ("Couleur homme", "20 min", "20 €"),
    ("Patine", "30 min", "25 €"),
    ("Balayage", "2h30", "à partir de 95 €"),
    ("Mèches en papillotes", "2h", "à partir de 85 €"),
    ("Ombré et fonte de couleur", "3h", "à partir de 120 €"),
    ("Décoloration globale", "3h30", "à partir de 140 €"),
    ("Décapage de couleur", "1h30", "à partir de 70 €"),
    ("Correction de couleur (sur devis)", "4h", "à partir de 150 €"),
]
CARE = [
    ("Soin reconstructeur des liaisons", "20 min", "18 €"),
    ("Lissage brésilien", "2h30", "à partir de 150 €"),
    ("Permanente", "2h", "75 €"),
]
SCHOOL = [
    ("Coupe modèle, soirée école", "2h", "10 €"),
    ("Couleur modèle, soirée école", "2h30", "20 €"),
]
NOTE = (
    "Cheveux épais ou descendant sous les omoplates : + 12 € sur toutes les prestations du "
    "bar à couleurs. Protecteur de liaisons ajouté pendant une décoloration, un balayage ou "
    "des mèches : + 15 €. Tarif étudiant : - 10 % sur les coupes du lundi au vendredi, sur "
    "présentation d'une carte d'étudiant en cours de validité (moins de 26 ans), hors soirée "
    "école. Prix TTC, service compris."
)


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3d9d6")),
        ]
    )

    def table(title: str, intro: str | None, header: tuple, rows: list) -> list:
        out: list = [Paragraph(title, st["Heading2"])]
        if intro:
            out.append(Paragraph(intro, st["BodyText"]))
        out.append(Table([list(header), *rows], style=grid))
        return out

    story: list = [
        Paragraph("Studio Carmin — Carte des tarifs, hiver 2026-2027", st["Title"]),
        Paragraph(
            "41 rue du Capitaine-Dreyfus, 93100 Montreuil · 01 48 57 29 64 · studio-carmin.fr",
            st["BodyText"],
        ),
        Spacer(1, 0.3 * cm),
        *table(
            "Coupes et coiffages",
            "Shampoing et coiffage compris. Le tarif dépend du niveau du coiffeur choisi.",
            LEVELS,
            CUTS,
        ),
        *table("Prix unique, quel que soit le coiffeur", None, SINGLE, UNIQUE),
        PageBreak(),
        *table("Bar à couleurs", "Tarifs identiques pour toute l'équipe.", SINGLE, COLOUR),
        *table("Soins et techniques", None, SINGLE, CARE),
        *table(
            "Soirée école du mardi",
            "Sur modèles, encadrée par notre directrice artistique.",
            SINGLE,
            SCHOOL,
        ),
        Paragraph("Suppléments et réductions", st["Heading2"]),
        Paragraph(NOTE, st["BodyText"]),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(OUT), pagesize=A4, title="Studio Carmin — Tarifs hiver 2026-2027").build(
        story
    )


if __name__ == "__main__":
    main()
