"""Writes sources/carte-des-tarifs-2027.pdf of the held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

OUT = Path(__file__).parent / "sources" / "carte-des-tarifs-2027.pdf"

PAGE_1 = {
    "Femme": [
        ("Coupe femme, shampoing et brushing", "50 min", "42 €"),
        ("Coupe courte femme", "35 min", "34 €"),
        ("Brushing", "30 min", "24 €"),
    ],
    "Homme": [
        ("Coupe homme", "25 min", "23 €"),
        ("Coupe homme et barbe", "40 min", "33 €"),
        ("Rasage à l'ancienne", "25 min", "20 €"),
    ],
    "Enfants": [("Coupe enfant, moins de 12 ans", "20 min", "13 €")],
}
PAGE_2 = {
    "Couleur": [
        ("Coloration", "1h15", "49 €"),
        ("Balayage", "2h", "à partir de 85 €"),
        ("Mèches au papier", "1h45", "72 €"),
        ("Décoloration", "2h30", "à partir de 95 €"),
    ],
    "Soins et techniques": [
        ("Soin Olaplex (reconstruction de la fibre)", "20 min", "22 €"),
        ("Lissage au tanin", "3h", "à partir de 160 €"),
        ("Permanente", "1h45", "69 €"),
    ],
    "Coiffage": [
        ("Chignon", "50 min", "48 €"),
        ("Nattes et tresses", "40 min", "à partir de 30 €"),
        ("Forfait mariée : essai et coiffure du jour J", "2h30", "150 €"),
    ],
}


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    story: list = [
        Paragraph("Atelier Ondine — Carte des tarifs 2027", st["Title"]),
        Paragraph("7 place Sainte-Anne, Rennes · 02 99 31 44 08", st["BodyText"]),
        Spacer(1, 0.3 * cm),
    ]
    for number, page in enumerate((PAGE_1, PAGE_2)):
        if number:
            story.append(PageBreak())
        for category, rows in page.items():
            story.append(Paragraph(category, st["Heading2"]))
            story.append(Table([["Prestation", "Temps", "Tarif"], *rows]))
    story.append(Paragraph("Suppléments", st["Heading2"]))
    story.append(
        Paragraph(
            "Cheveux épais ou très longs : + 8 € sur les coupes et couleurs. "
            "Patine après balayage : + 15 €.",
            st["BodyText"],
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(OUT), pagesize=A4, title="Atelier Ondine — Tarifs 2027").build(story)


if __name__ == "__main__":
    main()
