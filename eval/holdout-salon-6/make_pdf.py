"""Writes sources/carte-des-prestations-2027.pdf of the sixth held-out salon (run once;
output committed).

Unlike the other held-out price lists (`eval/price_pdf.py`, tables), this one is a menu
card: two columns of text lines with dot leaders (« Coupe femme cheveux longs ....... 52 € »),
no table and no rule. The left column gives durations in brackets after the name, the right
column on a separate line under each service. `invariant` keeps the output byte-stable.

Usage: .venv/bin/python eval/holdout-salon-6/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas

OUT = Path(__file__).parent / "sources" / "carte-des-prestations-2027.pdf"

# (category, [(name, duration, price)]); the left column writes « name (duration) ».
LEFT = [
    (
        "Coupes femmes",
        [
            ("Coupe femme cheveux courts", "45 min", "38 €"),
            ("Coupe femme cheveux mi-longs", "1 h", "45 €"),
            ("Coupe femme cheveux longs", "1 h 15", "52 €"),
            ("Brushing seul", "30 min", "28 €"),
        ],
    ),
    (
        "Hommes et barbier",
        [
            ("Coupe homme", "30 min", "26 €"),
            ("Dégradé américain", "40 min", "30 €"),
            ("Taille de barbe", "20 min", "17 €"),
            ("Rasage à l'ancienne", "30 min", "24 €"),
        ],
    ),
    (
        "Enfants",
        [
            ("Coupe enfant, jusqu'à 11 ans", "20 min", "15 €"),
            ("Coupe ado, de 12 à 17 ans", "30 min", "21 €"),
        ],
    ),
    (
        "Soins",
        [
            ("Soin kératine", "45 min", "35 €"),
            ("Botox capillaire", "1 h", "55 €"),
            ("Soin hydratant", "20 min", "20 €"),
        ],
    ),
]
# The right column writes the duration on its own line: « durée : 2 h 30 ».
RIGHT = [
    (
        "Couleur",
        [
            ("Coloration", "1 h 30", "58 €"),
            ("Racines", "1 h", "45 €"),
            ("Balayage", "2 h 30", "à partir de 95 €"),
            ("Ombré hair", "2 h 30", "à partir de 110 €"),
            ("Patine", "30 min", "30 €"),
            ("Décoloration totale", "3 h", "à partir de 120 €"),
            ("Test de tolérance couleur", "10 min", "offert"),
        ],
    ),
    (
        "Coiffures d'exception",
        [
            ("Chignon de mariée, essai inclus", "2 h", "150 €"),
            ("Coiffure de soirée", "45 min", "48 €"),
            ("Tresses", "30 min", "à partir de 25 €"),
        ],
    ),
    (
        "Formes et textures",
        [
            ("Permanente", "2 h", "à partir de 70 €"),
            ("Lissage brésilien", "3 h", "à partir de 190 €"),
        ],
    ),
]
FOOTNOTES = [
    "Supplément cheveux épais : +10 € sur toutes les prestations couleur et textures.",
    "Prix TTC, shampoing et coiffage compris. Acompte demandé au-delà de 100 €.",
]


def _leader(c: Canvas, x: float, y: float, width: float, left: str, right: str) -> None:
    """`left ........ right` on one line `width` wide, in the current font."""
    font, size = c._fontname, c._fontsize
    c.drawString(x, y, left)
    c.drawRightString(x + width, y, right)
    used = c.stringWidth(left + "  ", font, size) + c.stringWidth("  " + right, font, size)
    dots = int((width - used) / c.stringWidth(".", font, size))
    c.drawString(x + c.stringWidth(left + " ", font, size), y, "." * max(dots, 3))


def _column(c: Canvas, x: float, y: float, width: float, blocks: list, *, inline: bool) -> None:
    for category, rows in blocks:
        c.setFont("Helvetica-Bold", 12)
        c.drawString(x, y, category.upper())
        y -= 0.65 * cm
        for name, duration, price in rows:
            c.setFont("Helvetica", 10)
            if inline:
                _leader(c, x, y, width, f"{name} ({duration})", price)
                y -= 0.55 * cm
            else:
                _leader(c, x, y, width, name, price)
                y -= 0.42 * cm
                c.setFont("Helvetica-Oblique", 8)
                c.drawString(x + 0.3 * cm, y, f"durée : {duration}")
                y -= 0.5 * cm
        y -= 0.45 * cm


def main() -> None:
    rl_config.invariant = 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    width, height = A4
    c = Canvas(str(OUT), pagesize=A4)
    c.setTitle("L'Atelier des Carmes — Carte des prestations 2027")
    c.setFont("Helvetica-Bold", 18)
    c.drawCentredString(width / 2, height - 2 * cm, "L'Atelier des Carmes")
    c.setFont("Helvetica", 11)
    c.drawCentredString(width / 2, height - 2.7 * cm, "Carte des prestations 2027")
    c.drawCentredString(
        width / 2, height - 3.3 * cm, "14 rue des Filatiers, 31000 Toulouse · 05 61 52 37 84"
    )
    col = (width - 4.5 * cm) / 2
    top = height - 4.6 * cm
    _column(c, 1.8 * cm, top, col, LEFT, inline=True)
    _column(c, 2.7 * cm + col, top, col, RIGHT, inline=False)
    c.setFont("Helvetica-Oblique", 9)
    for i, note in enumerate(FOOTNOTES):
        c.drawCentredString(width / 2, 2.6 * cm - i * 0.5 * cm, note)
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
