"""Writes sources/nos-prix-2027.pdf of the twelfth held-out salon (run once; output committed).

Unlike the table price lists of `eval/price_pdf.py`, this one mixes two layouts with no
table and no rule: some sections are running prose with the prices inside the sentences
(« La coupe homme, shampoing compris, est à 19 € et prend une demi-heure »), the others are
lists with dot leaders and the duration in brackets (« Coupe et mise en plis (1 h 15) .... 38 € »).
`invariant` keeps the output byte-stable.

Usage: .venv/bin/python eval/holdout-salon-12/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

OUT = Path(__file__).parent / "sources" / "nos-prix-2027.pdf"
LEFT, WIDTH = 2.2 * cm, A4[0] - 4.4 * cm
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14)

MESSIEURS = (
    "La coupe homme, shampoing compris, est à 19 € et prend une demi-heure. Avec la taille "
    "de barbe, comptez 28 € et trois quarts d'heure. La barbe seule, taillée à la tondeuse et "
    "finie au rasoir, revient à 12 € (20 minutes). Patrice pratique aussi le rasage à "
    "l'ancienne au coupe-chou, avec serviette chaude, pour 22 € : prévoyez une demi-heure. "
    "Le dégradé à blanc est facturé 23 € (40 minutes). Avec un seul sabot, la coupe à la "
    "tondeuse coûte 13 € (un quart d'heure). Pour estomper le gris sans effet « teinture », le "
    "camouflage des cheveux blancs est à 18 € et dure 20 minutes."
)
RETRAITES = (
    "Les retraités bénéficient de 2 € de remise sur la coupe homme le mardi et le jeudi matin."
)
ENFANTS = (
    "Jusqu'à 10 ans, la coupe est à 12 € (20 minutes). De 11 à 16 ans, la coupe junior est à "
    "16 € et prend une demi-heure. Pour une fête d'école ou un spectacle de danse, Manon "
    "réalise tresses et nattes à partir de 10 € (20 minutes). Pour leur tout premier passage "
    "chez nous, les petits repartent avec un diplôme et une mèche de cheveux dans une "
    "enveloppe."
)
MESDAMES = [
    ("Shampoing et mise en plis", "1 h", "24 €"),
    ("Coupe et mise en plis", "1 h 15", "38 €"),
    ("Shampoing et brushing, cheveux courts", "30 min", "22 €"),
    ("Shampoing et brushing, cheveux mi-longs et longs", "45 min", "29 €"),
    ("Coupe et brushing, cheveux courts", "45 min", "36 €"),
    ("Coupe et brushing, cheveux mi-longs et longs", "1 h", "45 €"),
    ("Coupe sur cheveux mouillés, sans coiffage", "25 min", "26 €"),
    ("Brushing par notre apprentie, mercredi matin et samedi", "40 min", "16 €"),
]
PERMANENTES = [
    ("Permanente classique sur bigoudis, coupe et mise en plis comprises", "2 h", "62 €"),
    ("Permanente volume racines", "1 h 30", "à partir de 45 €"),
    ("Soin profond au beurre de karité", "15 min", "12 €"),
]
COULEURS = [
    ("Couleur des racines", "1 h 15", "39 €"),
    ("Couleur complète", "1 h 30", "48 €"),
    ("Balayage à main levée", "2 h", "à partir de 65 €"),
    ("Rinçage nacré pour cheveux blancs", "20 min", "14 €"),
    ("Décoloration", "2 h 30", "à partir de 70 €"),
    ("Touche d'essai, 48 h avant la première couleur", "10 min", "offerte"),
]
NOTES = [
    "Cheveux longs, sous les épaules : supplément de 10 € sur les couleurs, le balayage et "
    "la décoloration.",
    "Entre deux rendez-vous, nous vous recoupons la frange gratuitement.",
]
MARIAGE = (
    "Sylvie coiffe les mariées depuis plus de vingt ans. L'essai est à 45 € (1 h). La "
    "coiffure le jour J est à 95 € (1 h 30). Réservés ensemble, ils reviennent à 130 € avec "
    "le forfait mariée. Pour les invitées, les mamans et les demoiselles d'honneur, chignon ou "
    "coiffure de cérémonie à partir de 40 € (45 minutes). Le matin du mariage, Sylvie peut "
    "venir sur le lieu des préparatifs dans un rayon de 20 km, pour un supplément de 30 €."
)
DOMICILE = (
    "Chez vous, les prestations sont au prix du salon, plus un forfait de déplacement : "
    "6 € dans Marsannay-la-Côte, 10 € à Perrigny-lès-Dijon, Chenôve, Couchey et Fixin."
)


def _leader(c: Canvas, y: float, left: str, right: str) -> None:
    """`left ........ right` on one line, in the current font."""
    font, size = c._fontname, c._fontsize
    c.drawString(LEFT, y, left)
    c.drawRightString(LEFT + WIDTH, y, right)
    used = c.stringWidth(left + "  ", font, size) + c.stringWidth("  " + right, font, size)
    dots = int((WIDTH - used) / c.stringWidth(".", font, size))
    c.drawString(LEFT + c.stringWidth(left + " ", font, size), y, "." * max(dots, 3))


def _heading(c: Canvas, y: float, text: str) -> float:
    c.setFont("Helvetica-Bold", 13)
    c.drawString(LEFT, y, text)
    return y - 0.7 * cm


def _prose(c: Canvas, y: float, text: str) -> float:
    para = Paragraph(text, BODY)
    _, height = para.wrapOn(c, WIDTH, 20 * cm)
    para.drawOn(c, LEFT, y - height + 0.35 * cm)
    return y - height - 0.3 * cm


def _list(c: Canvas, y: float, rows: list[tuple[str, str, str]]) -> float:
    c.setFont("Helvetica", 10)
    for name, duration, price in rows:
        _leader(c, y, f"{name} ({duration})", price)
        y -= 0.55 * cm
    return y - 0.3 * cm


def main() -> None:
    rl_config.invariant = 1
    c = Canvas(str(OUT), pagesize=A4)
    c.setTitle("Au Fil du Peigne — Nos prix 2027")
    top = A4[1] - 2.2 * cm
    c.setFont("Helvetica-Bold", 20)
    c.drawString(LEFT, top, "Au Fil du Peigne — Nos prix 2027")
    c.setFont("Helvetica-Oblique", 10)
    c.drawString(LEFT, top - 0.6 * cm, "9 rue Jean-Jaurès, Marsannay-la-Côte · 03 80 52 41 67")
    y = _heading(c, top - 1.8 * cm, "Pour ces messieurs")
    y = _prose(c, y, MESSIEURS)
    y = _prose(c, y, RETRAITES)
    y = _heading(c, y - 0.2 * cm, "Pour les enfants")
    y = _prose(c, y, ENFANTS)
    y = _heading(c, y - 0.2 * cm, "Pour ces dames")
    _list(c, y, MESDAMES)
    c.showPage()
    y = _heading(c, top, "Permanentes et soins")
    y = _list(c, y, PERMANENTES)
    y = _heading(c, y, "Couleurs")
    y = _list(c, y, COULEURS)
    c.setFont("Helvetica-Oblique", 9)
    for note in NOTES:
        c.drawString(LEFT, y, note)
        y -= 0.45 * cm
    y = _heading(c, y - 0.5 * cm, "Le grand jour")
    y = _prose(c, y, MARIAGE)
    y = _heading(c, y - 0.2 * cm, "À domicile")
    y = _prose(c, y, DOMICILE)
    c.setFont("Helvetica-Oblique", 9)
    c.drawString(LEFT, y - 0.3 * cm, "Prix TTC au 1er janvier 2027, affichés en vitrine.")
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
