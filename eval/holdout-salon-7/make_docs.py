"""Writes the price documents of the seventh held-out salon (run once; output committed).

- sources/tarifs.html: cuts, men, children and styling in ONE table whose women's rows
  give three prices (short / mid-length / long hair) and whose category names are
  spanning rows, not headings (python-docx is not installed, so no DOCX);
- sources/couleurs-et-soins-2027.pdf: colour and care services only (eval/price_pdf.py).

Both outputs are byte-stable: re-running changes nothing.

Usage: .venv/bin/python eval/holdout-salon-7/make_docs.py
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

SOURCES = Path(__file__).parent / "sources"
NAME = "Coiffure Belledonne"
ADDRESS = "9 place Notre-Dame, 38000 Grenoble · 04 76 52 18 37"

# (service, duration, prices): three prices = short / mid-length / long hair, one = all.
CUTS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "Femmes": [
        ("Coupe + brushing", "1h", ("41 €", "49 €", "57 €")),
        ("Brushing seul", "35 min", ("24 €", "29 €", "34 €")),
        ("Coupe sur cheveux secs, sans brushing", "30 min", ("32 €",)),
        ("Rafraîchissement de frange", "10 min", ("8 €",)),
        ("Coupe cheveux bouclés, méthode curly au diffuseur", "1h15", ("62 €",)),
    ],
    "Hommes": [
        ("Coupe homme aux ciseaux", "30 min", ("25 €",)),
        ("Coupe dégradé américain à la tondeuse", "40 min", ("29 €",)),
        ("Taille de barbe au rasoir, serviette chaude", "20 min", ("17 €",)),
        ("Coupe + barbe", "50 min", ("40 €",)),
        ("Rasage traditionnel complet au coupe-chou", "30 min", ("24 €",)),
    ],
    "Enfants et ados": [
        ("Coupe enfant, jusqu'à 6 ans", "15 min", ("12,50 €",)),
        ("Coupe enfant, de 7 à 12 ans", "20 min", ("16 €",)),
        ("Coupe ado, de 13 à 17 ans", "30 min", ("21 €",)),
    ],
    "Coiffage, mariage et soirée": [
        ("Chignon ou attache de soirée", "1h", ("50 €",)),
        ("Tresses, nattes collées", "30 min", ("à partir de 20 €",)),
        ("Coiffure de mariée, essai inclus", "2h30", ("185 €",)),
        ("Coiffure d'invitée", "45 min", ("42 €",)),
        ("Boucles au fer ou wavy", "45 min", ("35 €",)),
    ],
}

NOTES = [
    "Tarifs TTC en vigueur au 1er juin 2027.",
    "Étudiants : −15 % sur toutes les coupes le lundi et le mardi, sur présentation de "
    "la carte d'étudiant.",
    "Tribu : quand trois enfants ou plus sont coiffés le même jour, la troisième coupe "
    "enfant est offerte.",
    "Les couleurs, mèches, soins, lissages et permanentes figurent sur la carte "
    "« Couleurs &amp; soins » (PDF).",
]

COLOUR_PAGE = {
    "Couleur": [
        ("Couleur racines", "1h", "46 €"),
        ("Couleur complète", "1h30", "64 €"),
        ("Couleur végétale aux plantes (henné, indigo)", "2h", "à partir de 78 €"),
        ("Patine ou gloss", "30 min", "26 €"),
        ("Décoloration", "2h30", "à partir de 105 €"),
        ("Couleur homme, camouflage des cheveux blancs", "25 min", "28 €"),
        ("Test d'allergie (48 h avant une première couleur)", "10 min", "gratuit"),
        ("Diagnostic couleur avant correction", "15 min", "offert"),
    ],
    "Mèches et balayage": [
        ("Mèches au papier aluminium", "1h45", "à partir de 75 €"),
        ("Balayage, cheveux courts à mi-longs", "2h", "95 €"),
        ("Balayage, cheveux longs", "2h30", "118 €"),
        ("Ombré hair ou tie and dye", "2h30", "à partir de 122 €"),
        ("Supplément cheveux très longs (sous les omoplates)", "—", "+ 10 €"),
    ],
    "Soins": [
        ("Soin réparateur à la kératine", "30 min", "27 €"),
        ("Soin du cuir chevelu et massage crânien", "25 min", "25 €"),
        ("Soin hydratant pour boucles", "40 min", "32 €"),
        ("Botox capillaire", "1h", "60 €"),
    ],
    "Lissage et permanente": [
        ("Lissage brésilien", "3h", "à partir de 175 €"),
        ("Permanente", "2h", "à partir de 70 €"),
    ],
}


def tarifs_html() -> str:
    """The cuts price list as one HTML table with spanning category rows."""
    rows: list[str] = []
    for category, items in CUTS.items():
        rows.append(f'      <tr class="categorie"><th colspan="5">{escape(category)}</th></tr>')
        for service, duration, prices in items:
            if len(prices) == 3:
                cells = "".join(f"<td>{escape(p)}</td>" for p in prices)
            else:
                cells = f'<td colspan="3">{escape(prices[0])}</td>'
            rows.append(f"      <tr><td>{escape(service)}</td><td>{duration}</td>{cells}</tr>")
    notes = "\n".join(f"    <li>{n}</li>" for n in NOTES)
    body = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Tarifs coupes et coiffage – {NAME}, Grenoble</title>
</head>
<body>
  <h1>{NAME} – tarifs coupes et coiffage</h1>
  <p>{escape(ADDRESS)}</p>
  <table>
    <thead>
      <tr><th>Prestation</th><th>Durée</th><th>Cheveux courts</th><th>Mi-longs</th><th>Longs</th></tr>
    </thead>
    <tbody>
{body}
    </tbody>
  </table>
  <ul>
{notes}
  </ul>
</body>
</html>
"""


def main() -> None:
    SOURCES.mkdir(parents=True, exist_ok=True)
    (SOURCES / "tarifs.html").write_text(tarifs_html(), encoding="utf-8")
    write_price_pdf(
        SOURCES / "couleurs-et-soins-2027.pdf",
        title=f"{NAME} – Couleurs &amp; soins 2027",
        address=ADDRESS,
        pages=(COLOUR_PAGE,),
        header=("Prestation", "Durée", "Prix"),
        note_title="À savoir",
        note=(
            "Un test d'allergie est obligatoire 48 heures avant toute première coloration "
            "au salon ; il est gratuit. Prix TTC au 1er juin 2027, shampooing et "
            "brushing non compris pour les couleurs et les soins."
        ),
        pdf_title=f"{NAME} – Couleurs et soins 2027",
    )


if __name__ == "__main__":
    main()
