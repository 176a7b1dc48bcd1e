"""Writes sources/boutique-boucles.xlsx of the twenty-fifth held-out salon (run once; output
committed).

Usage: .venv/bin/python eval/holdout-salon-25/make_xlsx.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).parent / "sources" / "boutique-boucles.xlsx"

HEADER = ("Réf.", "Gamme", "Article", "Pour quoi faire", "Format", "Prix TTC (€)")
ROWS = [
    (
        "FR-01",
        "Ondéa",
        "Shampoing doux sans sulfates",
        "Lavage une fois par semaine, cuir chevelu sensible",
        "250 ml",
        16.5,
    ),
    (
        "FR-02",
        "Ondéa",
        "Co-wash crème lavante",
        "Entre deux shampoings, boucles très sèches",
        "300 ml",
        18,
    ),
    (
        "FR-03",
        "Kalaé",
        "Après-shampoing démêlant à la guimauve",
        "Démêler sous la douche, sans tirer",
        "250 ml",
        17,
    ),
    (
        "FR-04",
        "Kalaé",
        "Masque nourrissant karité et avocat",
        "Une fois par semaine, 20 minutes de pose",
        "250 ml",
        24,
    ),
    (
        "FR-05",
        "Terre de Boucles",
        "Leave-in, soin sans rinçage",
        "Base d'hydratation avant la crème",
        "200 ml",
        19,
    ),
    (
        "FR-06",
        "Terre de Boucles",
        "Crème de définition",
        "Boucles serrées et frisures (3B à 4C)",
        "250 ml",
        21,
    ),
    (
        "FR-07",
        "Terre de Boucles",
        "Gel de lin",
        "Tenue souple et brillance, ondulations et boucles",
        "250 ml",
        14,
    ),
    ("FR-08", "Ondéa", "Mousse volume", "Cheveux ondulés fins qui retombent", "200 ml", 17.5),
    (
        "FR-09",
        "Kalaé",
        "Huile légère de jojoba",
        "Sceller l'hydratation sur les pointes",
        "50 ml",
        15,
    ),
    (
        "FR-10",
        "Maison Frisottis",
        "Brume réveil",
        "Redonner du ressort le 2e ou le 3e jour",
        "150 ml",
        13,
    ),
    (
        "FR-11",
        "Maison Frisottis",
        "Embout diffuseur pliable en silicone",
        "Sécher sans casser la boucle",
        "—",
        29,
    ),
    (
        "FR-12",
        "Maison Frisottis",
        "Serviette microfibre",
        "Essorer sans frotter, technique du plopping",
        "50 x 90 cm",
        22,
    ),
    (
        "FR-13",
        "Maison Frisottis",
        "Bonnet de nuit en satin",
        "Garder la forme des boucles pendant le sommeil",
        "Taille unique",
        16,
    ),
    (
        "FR-14",
        "Maison Frisottis",
        "Taie d'oreiller en satin",
        "Moins de frottements et de nœuds la nuit",
        "50 x 70 cm",
        24,
    ),
    (
        "FR-15",
        "Accessoires",
        "Peigne en bois à dents larges",
        "Démêler sur cheveux mouillés et chargés de soin",
        "—",
        9,
    ),
    (
        "FR-16",
        "Accessoires",
        "Brosse de définition à picots",
        "Regrouper les mèches en boucles",
        "—",
        23,
    ),
    (
        "FR-17",
        "Accessoires",
        "Pinces crabes (lot de 4)",
        "Tenir les sections, lever les racines au séchage",
        "—",
        8,
    ),
    (
        "FR-18",
        "Maison Frisottis",
        "Coffret petites boucles",
        "Pour les enfants : shampoing doux 100 ml, démêlant 100 ml et bonnet satin",
        "Coffret",
        32,
    ),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Boutique"
    ws.append(
        ("Boutique Frisottis — soins et accessoires pour boucles (prix au 1er octobre 2026)",)
    )
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    ws.append(())
    ws.append(
        (
            "Les produits utilisés en salon sont en vente à l'accueil. Échange possible sous 15 jours sur présentation du ticket, flacon non ouvert.",
        )
    )
    for cell in ws["F"][2:]:
        cell.number_format = '0.00 "€"'
    wb.properties.creator = "Maison Frisottis"
    fixed = dt.datetime(2026, 10, 1, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(OUT)


if __name__ == "__main__":
    main()
