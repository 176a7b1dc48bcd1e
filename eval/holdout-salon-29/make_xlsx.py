"""Writes sources/export-caisse-catalogue-2027-05.xlsx of held-out salon 29: the till's
catalogue export (services, then products for resale on a second sheet). Run once; the
output is committed.

Usage: .venv/bin/python eval/holdout-salon-29/make_xlsx.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).parent / "sources" / "export-caisse-catalogue-2027-05.xlsx"

HEADER = (
    "Code",
    "Libellé",
    "Famille",
    "Durée (min)",
    "Prix TTC (€)",
    "Prix modifiable",
    "TVA (%)",
    "Note caisse",
)

SERVICES = [
    ("F01", "Shampoing, coupe, brushing – cheveux courts", "FEMME", 35, 32, "non", 20, ""),
    (
        "F02",
        "Shampoing, coupe, brushing – cheveux mi-longs à longs",
        "FEMME",
        50,
        40,
        "non",
        20,
        "",
    ),
    ("F03", "Coupe femme sans brushing (séchage naturel)", "FEMME", 25, 25, "non", 20, ""),
    ("F04", "Brushing", "FEMME", 30, 20, "non", 20, ""),
    ("F05", "Mise en plis", "FEMME", 40, 23, "non", 20, "rouleaux + casque"),
    (
        "F06",
        "Chignon / attache de soirée",
        "FEMME",
        45,
        "à partir de 35",
        "oui",
        20,
        "selon travail",
    ),
    ("F07", "Recoupe de frange", "FEMME", 10, 5, "non", 20, "entre deux coupes"),
    ("H01", "Coupe homme (shampoing inclus)", "HOMME", 25, 19, "non", 20, ""),
    ("H02", "Coupe tondeuse une hauteur", "HOMME", 15, 12, "non", 20, "sabot unique"),
    ("H03", "Dégradé à blanc (fade)", "HOMME", 35, 22, "non", 20, ""),
    ("H04", "Taille de barbe et contours", "HOMME", 15, 10, "non", 20, "serviette chaude"),
    ("H05", "Forfait coupe + barbe", "HOMME", 40, 27, "non", 20, ""),
    ("H06", "Camouflage cheveux blancs homme", "HOMME", 20, 18, "non", 20, "pose 10 min"),
    ("E01", "Coupe enfant (moins de 10 ans)", "ENFANT", 20, 13, "non", 20, ""),
    ("E02", "Coupe junior (10 à 16 ans)", "ENFANT", 25, 16, "non", 20, ""),
    (
        "E03",
        "Forfait famille : 1 adulte + 2 enfants de moins de 10 ans",
        "ENFANT",
        60,
        40,
        "non",
        20,
        "même passage",
    ),
    ("C01", "Couleur racines", "COULEUR", 75, 38, "non", 20, "repousse 3 cm max"),
    ("C02", "Couleur complète", "COULEUR", 90, 46, "non", 20, ""),
    ("C03", "Coloration sans ammoniaque", "COULEUR", 90, 52, "non", 20, ""),
    ("C04", "Balayage", "COULEUR", 120, "à partir de 65", "oui", 20, "selon longueur"),
    ("C05", "Mèches alu (papillotes)", "COULEUR", 120, "à partir de 60", "oui", 20, "selon nombre"),
    ("C06", "Patine / gloss", "COULEUR", 20, 15, "non", 20, ""),
    (
        "C07",
        "Décoloration totale",
        "COULEUR",
        150,
        "à partir de 85",
        "oui",
        20,
        "diagnostic obligatoire",
    ),
    ("T01", "Permanente (coupe non comprise)", "TECHNIQUE", 105, 55, "non", 20, ""),
    (
        "T02",
        "Lissage brésilien",
        "TECHNIQUE",
        150,
        "à partir de 120",
        "oui",
        20,
        "tient 3 à 4 mois",
    ),
    ("S01", "Soin masque et massage du cuir chevelu", "SOIN", 15, 9, "non", 20, ""),
    ("S02", "Soin kératine express", "SOIN", 30, 18, "non", 20, ""),
    ("M01", "Essai coiffure mariée", "MARIAGE", 60, 40, "non", 20, "acompte 30"),
    (
        "M02",
        "Coiffure mariée (jour J)",
        "MARIAGE",
        90,
        "à partir de 85",
        "oui",
        20,
        "au salon uniquement",
    ),
    (
        "D01",
        "Coupe don de cheveux (shampoing, coupe, brushing)",
        "SOLIDAIRE",
        45,
        20,
        "non",
        20,
        "mèche 25 cm mini",
    ),
    (
        "X01",
        "Supplément cheveux épais ou sous les omoplates (couleur, mèches, balayage)",
        "SUPPLÉMENT",
        None,
        10,
        "non",
        20,
        "",
    ),
    (
        "X02",
        "Supplément soin protecteur de fibre pendant couleur",
        "SUPPLÉMENT",
        None,
        12,
        "non",
        20,
        "",
    ),
]

PRODUCTS_HEADER = ("Code", "Libellé", "Marque", "Contenance", "Prix TTC (€)", "Stock")

PRODUCTS = [
    ("P01", "Shampoing doux usage quotidien", "Ardoise & Lin", "250 ml", 12, 14),
    ("P02", "Shampoing déjaunisseur cheveux blancs et blonds", "Ardoise & Lin", "250 ml", 14, 6),
    ("P03", "Masque réparateur cheveux abîmés", "Ardoise & Lin", "200 ml", 17, 9),
    ("P04", "Huile sèche nourrissante", "Ardoise & Lin", "100 ml", 19, 5),
    ("P05", "Spray protecteur de chaleur", "Ardoise & Lin", "150 ml", 14.5, 8),
    ("P06", "Crème définition boucles", "Ardoise & Lin", "150 ml", 16, 4),
    ("P07", "Cire mate homme", "Barbier du Nord", "75 ml", 11, 11),
    ("P08", "Huile à barbe cèdre", "Barbier du Nord", "30 ml", 13, 7),
    ("P09", "Démêlant sans rinçage spécial enfants", "P'tits Loups", "200 ml", 9.9, 12),
    ("P10", "Brosse démêlante souple", "—", "", 8, 10),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Prestations"
    ws.append(("CaissePro Salon — export du catalogue articles",))
    ws.append(("Établissement : COIFFURE NOUVELLE AVENTURE, Lille (Wazemmes)",))
    ws.append(("Exporté le 03/05/2027 à 09:12 — articles actifs uniquement",))
    ws.append(())
    ws.append(HEADER)
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in SERVICES:
        ws.append(row)
    for column, width in zip("ABCDEFGH", (7, 62, 13, 12, 13, 13, 8, 24), strict=True):
        ws.column_dimensions[column].width = width

    ws2 = wb.create_sheet("Revente")
    ws2.append(PRODUCTS_HEADER)
    for cell in ws2[1]:
        cell.font = Font(bold=True)
    for row in PRODUCTS:
        ws2.append(row)
    for column, width in zip("ABCDEF", (7, 48, 16, 12, 13, 8), strict=True):
        ws2.column_dimensions[column].width = width

    stamp = datetime(2027, 5, 3, 9, 12)
    wb.properties.creator = "CaissePro"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)


if __name__ == "__main__":
    main()
