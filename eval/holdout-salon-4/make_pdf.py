"""Writes sources/tarifs-automne-2027.pdf of the fourth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-4/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).parent / "sources" / "tarifs-automne-2027.pdf"

PAGE_1 = {
    "Coupes femmes": [
        ("Coupe, shampoing et coiffage, cheveux courts", "40 min", "36 €"),
        ("Coupe, shampoing et coiffage, cheveux mi-longs", "50 min", "42 €"),
        ("Coupe, shampoing et coiffage, cheveux longs", "1h", "48 €"),
        ("Brushing seul", "30 min", "25 €"),
        ("Mise en plis", "45 min", "30 €"),
    ],
    "Coupes hommes et enfants": [
        ("Coupe homme ciseaux et tondeuse", "30 min", "24 €"),
        ("Contour de barbe au rasoir", "15 min", "12 €"),
        ("Coupe garçon (jusqu'à 12 ans)", "20 min", "16 €"),
        ("Coupe fille (jusqu'à 12 ans)", "30 min", "20 €"),
    ],
}
PAGE_2 = {
    "Couleur et éclaircissement": [
        ("Couleur racines", "1h15", "46 €"),
        ("Couleur complète", "1h30", "58 €"),
        ("Décoloration complète", "3h", "à partir de 110 €"),
        ("Mèches au papillote", "2h", "à partir de 75 €"),
        ("Gloss (bain de brillance)", "20 min", "19 €"),
    ],
    "Techniques": [
        ("Permanente souple", "2h", "70 €"),
        ("Lissage au tanin", "2h30", "à partir de 160 €"),
        ("Soin reconstructeur à l'huile de camélia", "30 min", "24 €"),
    ],
}


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    story: list = [
        Paragraph("Atelier Sauge — Tarifs automne 2027", st["Title"]),
        Paragraph("3 place du Marché-aux-Fleurs, Montpellier · 04 67 58 20 13", st["BodyText"]),
        Spacer(1, 0.3 * cm),
    ]
    for number, page in enumerate((PAGE_1, PAGE_2)):
        if number:
            story.append(PageBreak())
        for category, rows in page.items():
            story.append(Paragraph(category, st["Heading2"]))
            story.append(Table([["Prestation", "Durée", "Prix"], *rows], style=grid))
    story.append(Paragraph("À noter", st["Heading2"]))
    story.append(
        Paragraph(
            "Cheveux très longs (sous les omoplates) : + 8 € sur les couleurs et les mèches. "
            "Prix TTC, affichés en salon.",
            st["BodyText"],
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(OUT), pagesize=A4, title="Atelier Sauge — Tarifs automne 2027").build(
        story
    )


if __name__ == "__main__":
    main()
