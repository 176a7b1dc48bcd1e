"""Unit tier: the HTML loader keeps the main content and drops real-world boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import LoadError
from ingest.html_loader import load_html
from ingest.pipeline import ingest_file
from tests.fixtures.isolation import FIXTURE_SALON
from tests.fixtures.sample_site import COOKIE_TEXT

SNAPSHOT = FIXTURE_SALON / "site" / "2026-11-25"

SCRIPT_HEAVY = """<!doctype html><html><head><title>Tarifs | Salon Test</title>
<script>var prices = "Balayage 999 €"; function track(){}</script>
<script type="application/ld+json">{"@type": "HairSalon", "name": "Faux nom"}</script>
<style>body { color: red } .x:after { content: "Texte CSS" }</style></head>
<body>
<div id="tarteaucitronRoot"><p>Ce site utilise des traceurs. Accepter ?</p></div>
<header><nav><a href="/">Accueil</a> <a href="/tarifs">Nos tarifs du menu</a></nav></header>
<div class="content">
  <h1>Nos tarifs</h1>
  <h2>Coupes</h2>
  <table><thead><tr><th>Prestation</th><th>Prix</th></tr></thead>
  <tbody><tr><td>Coupe femme</td><td>45 €</td></tr>
  <tr><td>Coupe <b>homme</b></td><td>25 €</td></tr></tbody></table>
  <p>Shampoing <em>inclus</em> dans toutes les coupes.</p>
  <div hidden><p>Texte caché du formulaire</p></div>
  <p style="display: none">Promotion expirée</p>
  <script>document.write("Texte injecté par script");</script>
  <noscript>Activez JavaScript</noscript>
  <form><label>Votre e-mail pour la newsletter</label><input name="e"></form>
</div>
<aside><p>Article suggéré : les tendances 2019</p></aside>
<footer><p>© Salon Test, mentions légales</p></footer>
<script>for (var i = 0; i < 10; i++) { console.log("boucle") }</script>
</body></html>"""


def _all_text(path: Path) -> str:
    result = ingest_file(path, root=path.parent)
    return "\n".join(c.indexed_text() for c in result.chunks)


def test_scripts_styles_nav_footer_forms_and_hidden_text_are_dropped(tmp_path: Path) -> None:
    page = tmp_path / "tarifs.html"
    page.write_text(SCRIPT_HEAVY, encoding="utf-8")
    text = _all_text(page)
    for noise in (
        "999",
        "Faux nom",
        "Texte CSS",
        "traceurs",
        "Nos tarifs du menu",
        "caché",
        "Promotion",
        "injecté",
        "JavaScript",
        "newsletter",
        "tendances",
        "mentions légales",
        "boucle",
    ):
        assert noise not in text, noise
    assert "Coupe femme — 45 €" in text
    assert "Coupe homme — 25 €" in text
    assert "Shampoing inclus dans toutes les coupes." in text


def test_headings_become_the_section_path_and_h1_the_title(tmp_path: Path) -> None:
    page = tmp_path / "tarifs.html"
    page.write_text(SCRIPT_HEAVY, encoding="utf-8")
    chunks = ingest_file(page, root=tmp_path).chunks
    assert {c.title for c in chunks} == {"Nos tarifs"}
    row = next(c for c in chunks if "Coupe femme" in c.text)
    assert row.section == "Coupes"
    assert row.kind == "price"


def test_cookie_banner_and_site_chrome_are_absent_from_the_sample_snapshot() -> None:
    for page in sorted(SNAPSHOT.rglob("*.html")):
        text = _all_text(page)
        assert COOKIE_TEXT[:40] not in text, page
        assert "Tout accepter" not in text
        assert "Jeu concours" not in text  # hidden pop-up
        assert "Je m'inscris" not in text and "Recevez nos conseils" not in text
        assert "Tous droits réservés" not in text
        assert "Aller au contenu" not in text  # skip link
        assert "gtag" not in text and "HairSalon" not in text
        assert "Mentions légales" not in text and "Instagram" not in text


def test_the_hours_table_of_the_access_page_is_kept_row_by_row() -> None:
    chunks = ingest_file(SNAPSHOT / "infos-pratiques" / "acces.html", root=SNAPSHOT).chunks
    hours = next(c for c in chunks if c.section == "Horaires d'ouverture")
    assert hours.kind == "hours"
    assert "Jeudi — 9h30 – 20h30" in hours.text.splitlines()
    assert "Lundi — Fermé" in hours.text.splitlines()
    assert hours.source == "infos-pratiques/acces.html"


def test_an_article_keeps_its_own_header_title(tmp_path: Path) -> None:
    chunks = ingest_file(SNAPSHOT / "blog" / "entretenir-son-balayage.html", root=SNAPSHOT).chunks
    assert chunks[0].title == "Cinq conseils pour faire durer votre balayage"
    assert any("48 heures avant le premier shampoing" in c.text for c in chunks)


def test_a_page_without_h1_takes_its_title_from_the_title_tag(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>Horaires | Salon</title></head><body><main>"
        "<p>Ouvert du mardi au samedi.</p></main></body></html>",
        encoding="utf-8",
    )
    assert load_html(page).title == "Horaires"


def test_a_page_of_only_scripts_is_reported_with_a_reason(tmp_path: Path) -> None:
    page = tmp_path / "app.html"
    page.write_text(
        "<html><head><script>var a=1;</script></head><body><div id='root'></div>"
        "<script src='bundle.js'></script><noscript>Activez JavaScript</noscript></body></html>",
        encoding="utf-8",
    )
    report = ingest_file(page, root=tmp_path).reports[0]
    assert report.status == "error"
    assert "no readable content" in (report.error or "")


def test_a_latin1_page_is_decoded_with_a_warning(tmp_path: Path) -> None:
    page = tmp_path / "vieux.html"
    page.write_bytes(
        "<html><head><meta charset='iso-8859-1'></head><body><main><h1>Accès</h1>"
        "<p>Métro Ampère, 3 minutes à pied.</p></main></body></html>".encode("latin-1")
    )
    result = ingest_file(page, root=tmp_path)
    assert result.reports[0].status == "warning"
    assert "Métro Ampère" in result.chunks[0].text


def test_an_empty_html_file_is_skipped_as_empty(tmp_path: Path) -> None:
    page = tmp_path / "vide.html"
    page.write_text("  \n", encoding="utf-8")
    with pytest.raises(LoadError, match="empty"):
        load_html(page)


def test_definition_lists_and_colspan_category_rows_keep_prices_with_their_names(
    tmp_path: Path,
) -> None:
    page = tmp_path / "carte.html"
    page.write_text(
        "<html><body><div id='content'><h1>Carte</h1><h2>Tarifs</h2>"
        "<table><tr><td colspan='3'>Coupes</td></tr>"
        "<tr><td>Coupe homme</td><td>30 min</td><td>28 €</td></tr>"
        "<tr><td colspan='3'>Couleurs</td></tr>"
        "<tr><td>Racines</td><td>1 h</td><td>49 €</td></tr></table>"
        "<h2>Soins</h2><dl><dt>Soin kératine</dt><dd>25 €</dd>"
        "<dt>Massage crânien</dt><dd>28 €</dd></dl></div></body></html>",
        encoding="utf-8",
    )
    chunks = {c.section: c.text for c in ingest_file(page, root=tmp_path).chunks}
    assert chunks == {
        "Tarifs > Coupes": "Coupe homme — 30 min — 28 €",
        "Tarifs > Couleurs": "Racines — 1 h — 49 €",
        "Soins": "Soin kératine — 25 €\nMassage crânien — 28 €",
    }


def test_faq_accordions_and_bold_questions_become_one_section_per_question(
    tmp_path: Path,
) -> None:
    answer = "Réponse détaillée du salon, assez longue pour rester seule dans son passage. " * 3
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><body><main><h1>FAQ</h1><h2>Paiement</h2>"
        f"<details><summary>Acceptez-vous les chèques ?</summary><p>Non. {answer}</p></details>"
        "<button type='button' aria-expanded='false' aria-controls='r3'>Et en espèces ?</button>"
        f"<div id='r3'><p>Bien sûr. {answer}</p></div>"
        f"<p><strong>Un paiement en trois fois ?</strong></p><p>Dès 150 €. {answer}</p>"
        "<div class='accordion-item'><h3 class='accordion-header'>"
        "<button class='accordion-button' aria-expanded='false'>Et les cartes ?</button></h3>"
        f"<div class='accordion-collapse'><p>Oui. {answer}</p></div></div>"
        "<button type='submit'>Envoyer</button>"
        "</main></body></html>",
        encoding="utf-8",
    )
    chunks = ingest_file(page, root=tmp_path).chunks
    assert [(c.section, c.text.split(".")[0]) for c in chunks] == [
        ("Paiement > Acceptez-vous les chèques ?", "Non"),
        ("Paiement > Et en espèces ?", "Bien sûr"),
        ("Paiement > Un paiement en trois fois ?", "Dès 150 €"),
        ("Paiement > Et les cartes ?", "Oui"),
    ]
    assert not any("Envoyer" in c.text for c in chunks)


def test_line_breaks_keep_each_price_line_separate(tmp_path: Path) -> None:
    page = tmp_path / "tarifs.html"
    page.write_text(
        "<html><body><main><h1>Tarifs</h1><h2>Homme</h2>"
        "<p><strong>Coupe</strong> homme : 28 €<br>Barbe : 18 €<br/>Coupe et barbe : 42 €</p>"
        "<div>Enfant : 16 €<br>Junior : 22 €</div>"
        "<h2>Soins<br>et coiffage</h2><table><tr><td>Soin<br>kératine</td><td>25 €</td></tr>"
        "</table></main></body></html>",
        encoding="utf-8",
    )
    chunk = ingest_file(page, root=tmp_path).chunks[0]
    assert chunk.text.splitlines() == [
        "Coupe homme : 28 €",
        "Barbe : 18 €",
        "Coupe et barbe : 42 €",
        "Enfant : 16 €",
        "Junior : 22 €",
    ]
    last = ingest_file(page, root=tmp_path).chunks[-1]
    assert (last.section, last.text) == ("Soins et coiffage", "Soin kératine — 25 €")


def test_a_page_header_inside_main_keeps_its_title_but_the_site_header_goes(
    tmp_path: Path,
) -> None:
    page = tmp_path / "soins.html"
    page.write_text(
        "<html><head><title>Soins | Salon</title></head><body>"
        "<header class='site'><p>Salon Test, le meilleur salon</p></header>"
        "<main><header class='page-header'><h1>Nos soins</h1></header>"
        "<p>Soin kératine : 25 €</p></main></body></html>",
        encoding="utf-8",
    )
    chunks = ingest_file(page, root=tmp_path).chunks
    assert [(c.title, c.text) for c in chunks] == [("Nos soins", "Soin kératine : 25 €")]
