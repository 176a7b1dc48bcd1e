"""Integration tier, in a real browser: the owner's console served by the real webhook
(`python -m webhook.serve`, what `scripts/webhook` runs) and driven by Debian's headless
Chromium through Playwright, in a phone-sized window (390×844).

One salon goes through an owner's day: a caller books through `scripts/chat` (text mode,
against the OpenAI-compatible stub) and asks a question the documents cannot answer; the
owner signs in, sees the booking, answers the question — and `scripts/ask` then finds the
answer —, uploads a PDF and sees it indexed, books a two-service visit with a stylist at
the counter (the stylist list follows the services), marks that stylist ill that day on the
Salon page and reaches the booking to move from there, closes the salon that day by mistake
(the booking is listed again) and takes the closure back with « Retirer », moves a client
a quarter of an hour later without SMS and cancels him after confirming; every page is
readable without sideways scrolling and works without JavaScript. Screenshots of each page are written to the
folder named by `CONSOLE_SCREENSHOTS` when it is set (the README's come from there).

Skipped, with the reason, when Debian's `chromium` or the `playwright` package is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from salon.profile import load_profile
from tests.console.conftest import PASSWORD
from tests.fixtures.bad_inputs import text_pdf
from tests.fixtures.days import usual_day
from tests.fixtures.isolation import FIXTURE_SALON
from tests.stubs.openai import OpenAIStub
from tests.webhook.real_server import RunningServer, running_webhook
from webhook.console.password import hash_password

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; scripts/install "
        "adds it to a dev environment): the console's browser tests cannot run",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)

ROOT = Path(__file__).resolve().parents[2]
PHONE_SCREEN = {"width": 390, "height": 844}
GAP = "Est-ce que vous faites les extensions de cils ?"
ANSWER = "Oui, nous posons des extensions de cils, sur rendez-vous : comptez 45 euros."
CALL = [
    "Je suis désolée, je n'ai pas cette information : je note votre question pour le salon.",
    "Oui, samedi le salon est ouvert de 9h à 18h.",
    {"tool": "find_slots", "arguments": {"service": "coupe homme", "day": "samedi"}},
    "Samedi j'ai 9h, 9h15 ou 10h. Lequel vous convient ?",
    {
        "tool": "book_appointment",
        "arguments": {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True},
    },
    "C'est noté, vous allez recevoir un SMS de confirmation.",
]


@dataclass
class Salon:
    sources: Path
    salon_db: Path
    kb_db: Path
    server: RunningServer
    shots: Path

    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            SALON_PROFILE=str(self.sources / "salon.toml"),
            SALON_DB=str(self.salon_db),
            KB_DB=str(self.kb_db),
            BOOTSTRAP_QUIET="1",
        )


def _run(
    command: list[str], env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300, **kwargs)  # fmt: skip


@pytest.fixture(scope="module")
def salon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Salon]:
    tmp = tmp_path_factory.mktemp("console-browser")
    sources = tmp / "salon"
    sources.mkdir()
    for name in ("salon.toml", "faq-et-conditions.md"):  # a small salon: quick reindexes
        shutil.copy(FIXTURE_SALON / name, sources / name)
    wanted = os.environ.get("CONSOLE_SCREENSHOTS")
    shots = Path(wanted).resolve() if wanted else tmp / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    env = {
        "SALON_PROFILE": str(sources / "salon.toml"),
        "KB_DB": str(tmp / "kb"),
        "OWNER_PASSWORD_HASH": hash_password(PASSWORD),
    }
    base = dict(os.environ, **env, SALON_DB=str(tmp / "salon.db"), BOOTSTRAP_QUIET="1")
    built = _run([str(ROOT / "scripts" / "reindex"), "--sources", str(sources), "--db",
                  str(tmp / "kb"), "--quiet"], base)  # fmt: skip
    assert built.returncode == 0, built.stderr
    with running_webhook(tmp, env=env) as server:
        yield Salon(sources, tmp / "salon.db", tmp / "kb", server, shots)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def _phone(browser: Any, *, javascript: bool = True) -> Any:
    context = browser.new_context(viewport=PHONE_SCREEN, locale="fr-FR",
                                  java_script_enabled=javascript)  # fmt: skip
    context.set_default_timeout(20_000)
    return context.new_page()


_WIDEST = """() => {
    let widest = null;
    for (const e of document.querySelectorAll("body *")) {
        const r = e.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 && (!widest || r.right > widest.right))
            widest = {right: r.right, tag: e.tagName, cls: e.className,
                      text: (e.textContent || "").trim().slice(0, 80)};
    }
    return widest;
}"""


def _readable(page: Any, shots: Path, name: str) -> None:
    """The page, once loaded with its stylesheet, fits the phone's width (no sideways
    scrolling); its screenshot is kept. When it does not, the screenshot is kept too and
    the message names the element that overflows."""
    page.wait_for_load_state("load")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / f"console-{name}.png"), full_page=True)
    assert fits, f"{name}: wider than a phone screen: {page.evaluate(_WIDEST)}"


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/admin/")
    assert "/admin/login" in page.url
    page.fill("#mot_de_passe", PASSWORD)
    page.click("text=Se connecter")
    page.wait_for_url(base + "/admin/")


def _wait_for_reindex(page: Any) -> None:
    """The progress page updates itself (script) and shows the report at the end."""
    assert page.url.endswith("/admin/documents/indexation")
    page.wait_for_selector("h2:has-text('Terminée')", timeout=240_000)


def _booked_day(salon: Salon) -> date:
    """The local day of the booking the call made (the agent's « samedi »)."""
    conn = sqlite3.connect(salon.salon_db)
    rows = conn.execute(
        "SELECT start_utc FROM local_bookings WHERE name = 'Paul Martin'"
    ).fetchall()
    conn.close()
    assert len(rows) == 1, rows
    start = datetime.fromisoformat(rows[0][0].replace("Z", "+00:00"))
    return start.astimezone(load_profile(salon.sources / "salon.toml").timezone).date()


def test_a_booking_made_by_a_caller_is_in_the_owners_book(salon: Salon, browser: Any) -> None:
    with OpenAIStub(CALL) as stub:
        env = salon.env() | {"OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": stub.api_key}
        said = f"{GAP}\nVous êtes ouverts samedi ?\nJe voudrais une coupe homme samedi\n" \
               "Le premier, au nom de Paul Martin, oui je confirme\n"  # fmt: skip
        done = _run([str(ROOT / "scripts" / "chat"), "--caller", "06 12 34 56 78"], env, input=said)
    assert done.returncode == 0, done.stderr
    page = _phone(browser)
    base = salon.server.base
    page.goto(base + "/admin/")
    _readable(page, salon.shots, "connexion")
    _sign_in(page, base)
    _readable(page, salon.shots, "aujourdhui")
    assert "Appels depuis hier : 1" in page.inner_text("main")
    day = _booked_day(salon)
    assert day.weekday() == 5  # samedi
    page.goto(f"{base}/admin/rendez-vous?jour={day.isoformat()}")
    book = page.inner_text("main")
    assert "Paul Martin" in book and "Coupe homme" in book and "+336******78" in book
    _readable(page, salon.shots, "rendez-vous")
    page.click("text=Paul Martin")
    assert "06 12 34 56 78" in page.inner_text("main")
    _readable(page, salon.shots, "rendez-vous-ouvert")
    page.goto(base + "/admin/appels")
    _readable(page, salon.shots, "appels")
    page.click(".list .row >> nth=0")
    assert GAP in page.inner_text("main")
    _readable(page, salon.shots, "appel")
    page.goto(base + "/admin/envois")
    assert "confirmation de rendez-vous" in page.inner_text("main")
    _readable(page, salon.shots, "envois")
    for name, path in (("messages", "/admin/messages"), ("salon", "/admin/salon")):
        page.goto(base + path)
        _readable(page, salon.shots, name)
    page.context.close()


def test_answering_a_question_reaches_the_knowledge_base(salon: Salon, browser: Any) -> None:
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    page.goto(base + "/admin/questions")
    assert GAP in page.inner_text("main")
    _readable(page, salon.shots, "questions")
    page.fill("textarea[name=reponse]", ANSWER)
    page.click("text=Enregistrer la réponse")
    _wait_for_reindex(page)
    assert "reponses-du-salon.md" in page.inner_text("main")
    _readable(page, salon.shots, "reindexation")
    asked = _run([str(ROOT / "scripts" / "ask"), "--json", "-k", "3", "--db", str(salon.kb_db),
                  "vous faites les extensions de cils"], salon.env())  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    best = json.loads(asked.stdout.splitlines()[0])["passages"][0]
    assert best["source"] == "reponses-du-salon.md" and "45 euros" in best["text"]
    page.goto(base + "/admin/questions")
    assert GAP not in page.inner_text("main")
    page.context.close()


def test_an_uploaded_pdf_is_indexed(salon: Salon, browser: Any, tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "Forfait mariage 2027.pdf",
                   ["Forfait mariée 2027 : essai, coiffure du jour et retouches, 240 euros."])  # fmt: skip
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    page.goto(base + "/admin/documents")
    page.set_input_files("#fichier", str(pdf))
    page.click("button:has-text('Envoyer')")
    _wait_for_reindex(page)
    report = page.inner_text("main")
    assert "Forfait mariage 2027.pdf" in report and "indexé" in report
    page.goto(base + "/admin/documents")
    row = page.locator(".item", has_text="Forfait mariage 2027.pdf").inner_text()
    assert "indexé" in row and "1 passage" in row
    _readable(page, salon.shots, "documents")
    page.context.close()


def test_every_page_works_without_javascript(salon: Salon, browser: Any) -> None:
    page = _phone(browser, javascript=False)
    base = salon.server.base
    _sign_in(page, base)
    for path in ("/admin/", "/admin/rendez-vous?vue=semaine", "/admin/appels", "/admin/questions",
                 "/admin/messages", "/admin/envois", "/admin/documents", "/admin/salon",
                 "/admin/documents/indexation",
                 "/admin/rendez-vous/nouveau?prestation=coupe-homme&coiffeur=yanis"):  # fmt: skip
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 200, path
        assert page.locator("nav.menu").count() == 1
    page.click("text=Se déconnecter")
    assert "/admin/login" in page.url
    page.context.close()


def test_the_guard_lets_uploads_reach_the_console_while_twilio_keeps_its_small_limit(
    salon: Salon,
) -> None:
    base = salon.server.base
    body = b"x" * (1024 * 1024)
    voice = httpx.post(base + "/voice", content=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert voice.status_code == 413
    console = httpx.post(base + "/admin/documents/envoyer", content=body,
                         headers={"Content-Type": "application/octet-stream"})  # fmt: skip
    assert console.status_code == 303 and "/admin/login" in console.headers["Location"]
    huge = httpx.post(base + "/admin/documents/envoyer", content=b"x" * (21 * 1024 * 1024),
                      headers={"Content-Type": "application/octet-stream"})  # fmt: skip
    assert huge.status_code == 413


def _next_friday() -> date:
    """A Friday at least two days ahead with the salon's usual hours when Chloé and Yanis
    work (not in Chloé's February holiday). Read from the fixture, not the salon's copy:
    the tests below add an absence and a closure that day, and it must stay that day."""
    profile = load_profile(FIXTURE_SALON / "salon.toml")
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    return usual_day(profile, after=after, weekday=4, stylists=["chloe", "yanis"])


def test_the_owner_books_a_two_service_visit_with_a_stylist_at_the_counter(
    salon: Salon, browser: Any
) -> None:
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    day = _next_friday()
    page.goto(f"{base}/admin/rendez-vous/nouveau?jour={day.isoformat()}")
    offered = "#coiffeur option:not([hidden])"
    page.select_option("#prestation", "couleur-racines")
    assert page.locator(offered).all_inner_texts() == ["Peu importe", "Margaux", "Chloé", "Inès"]
    page.select_option("#prestation2", "coupe-homme")  # only Chloé does both
    assert page.locator(offered).all_inner_texts() == ["Peu importe", "Chloé"]
    page.select_option("#coiffeur", "chloe")
    page.click("text=Voir les horaires libres")
    page.wait_for_url("**coiffeur=chloe**")
    assert "Couleur racines + Coupe homme avec Chloé" in page.inner_text("main")
    page.fill("#nom", "Jeanne Robert")
    page.fill("#telephone", "06 98 76 54 32")
    _readable(page, salon.shots, "nouveau-rendez-vous")
    page.click(".slot >> nth=0")
    page.click("text=Noter le rendez-vous")
    page.wait_for_url(f"{base}/admin/rendez-vous?jour={day.isoformat()}")
    assert "Rendez-vous noté pour Jeanne Robert avec Chloé." in page.inner_text("main")
    page.context.close()


def test_chloe_is_ill_on_the_day_of_the_counter_booking_and_the_owner_sees_what_to_move(
    salon: Salon, browser: Any
) -> None:
    """After the counter booking above: Jeanne Robert's visit with Chloé that Friday."""
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    day = _next_friday()
    page.goto(base + "/admin/salon")
    page.select_option("#absence-coiffeur", "chloe")
    page.fill("#absence-debut", day.isoformat())
    page.fill("#absence-motif", "malade")
    page.click("text=Ajouter l'absence")
    page.wait_for_url("**absence=chloe**")
    shown = page.inner_text("main")
    assert "Absence de Chloé ajoutée le" in shown
    assert "1 rendez-vous de Chloé pendant cette absence : à déplacer ou à confier" in shown
    assert "Jeanne Robert" in page.inner_text("#a-reprendre")
    _readable(page, salon.shots, "salon-absence")
    page.click("#a-reprendre a.button")
    page.wait_for_url("**/deplacer?jour=" + day.isoformat())
    assert "Déplacer le rendez-vous" in page.inner_text("main")
    assert "malade" in (salon.sources / "salon.toml").read_text(encoding="utf-8")
    page.context.close()


def test_a_closure_added_by_mistake_on_that_friday_is_taken_back_with_retirer(
    salon: Salon, browser: Any
) -> None:
    """Still that Friday: closing the salon lists Jeanne Robert's visit to move; the
    closure was a mistake, « Retirer » gives salon.toml back byte for byte."""
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    day = _next_friday()
    profile = salon.sources / "salon.toml"
    before = profile.read_bytes()
    page.goto(base + "/admin/salon")
    page.fill("#debut", day.isoformat())
    page.fill("#motif", "inventaire")
    page.click("text=Ajouter la fermeture")
    page.wait_for_url("**fermeture=1**")
    shown = page.inner_text("main")
    assert "Fermeture ajoutée le" in shown
    assert "1 rendez-vous déjà pris pendant cette fermeture : à déplacer" in shown
    assert "Jeanne Robert" in page.inner_text("#a-reprendre")
    assert "inventaire" in profile.read_text(encoding="utf-8")
    _readable(page, salon.shots, "salon-fermeture")
    page.click("ul.closures li:has-text('inventaire') button:has-text('Retirer')")
    page.wait_for_url(base + "/admin/salon")
    assert ("retirée : le salon est de nouveau ouvert ce jour-là selon ses horaires "
            "habituels.") in page.inner_text("main")  # fmt: skip
    assert "inventaire" not in page.inner_text("main")
    assert profile.read_bytes() == before
    page.context.close()


def test_a_counter_booking_refused_for_its_stylist_keeps_the_client_typed(
    salon: Salon, browser: Any
) -> None:
    """The stylist shown when the form opened has left the team by the time the owner
    books (the form's hidden field says « paul »): the refusal keeps the client, and
    choosing again books with the client already filled in."""
    page = _phone(browser)
    base = salon.server.base
    _sign_in(page, base)
    day = _next_friday()
    page.goto(f"{base}/admin/rendez-vous/nouveau?prestation=coupe-homme&coiffeur=yanis"
              f"&jour={day.isoformat()}")  # fmt: skip
    page.fill("#nom", "Marc Lemaire")
    page.fill("#telephone", "06 11 22 33 44")
    page.click(".slot >> nth=0")
    page.eval_on_selector("input[type=hidden][name=coiffeur]", "e => e.value = 'paul'")
    page.click("text=Noter le rendez-vous")
    shown = page.inner_text("main")
    assert "ne fait pas (ou plus) partie de l'équipe" in shown
    assert "Pour Marc Lemaire : choisissez de nouveau" in shown
    assert "06 11 22 33 44" not in page.url and "telephone" not in page.url
    _readable(page, salon.shots, "nouveau-rendez-vous-refuse")
    page.select_option("#coiffeur", "yanis")
    page.click("text=Voir les horaires libres")
    assert page.input_value("#nom") == "Marc Lemaire"
    assert page.input_value("#telephone") == "06 11 22 33 44"
    page.click(".slot >> nth=0")
    page.click("text=Noter le rendez-vous")
    page.wait_for_url(f"{base}/admin/rendez-vous?jour={day.isoformat()}")
    assert "Rendez-vous noté pour Marc Lemaire avec Yanis." in page.inner_text("main")
    page.context.close()


def _start_of(salon: Salon, name: str) -> datetime:
    conn = sqlite3.connect(salon.salon_db)
    [(start,)] = conn.execute(
        "SELECT start_utc FROM local_bookings WHERE name = ? AND status = 'accepted'", (name,)
    ).fetchall()
    conn.close()
    zone = load_profile(salon.sources / "salon.toml").timezone
    return datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(zone)


def test_marc_lemaire_is_moved_without_sms_then_cancelled_after_confirming(
    salon: Salon, browser: Any
) -> None:
    """Without JavaScript: Marc Lemaire, told at the counter, moves his cut with Yanis a
    quarter of an hour later (no SMS: the box unticked); later he cancels, and the owner
    is asked first — « Non » keeps it, « Oui » cancels it, the SMS box ticked."""
    page = _phone(browser, javascript=False)
    base = salon.server.base
    _sign_in(page, base)
    day = _next_friday().isoformat()
    later = _start_of(salon, "Marc Lemaire") + timedelta(minutes=15)
    page.goto(f"{base}/admin/rendez-vous?jour={day}")
    page.click("a.row:has-text('Marc Lemaire')")
    page.click("text=Déplacer")
    page.wait_for_url("**/deplacer?jour=" + day)
    offered = page.locator(f"label.slot:has(input[value='{later.isoformat()}'])")
    assert "avec" not in offered.inner_text()  # still with Yanis, a quarter later
    offered.locator("input").check()
    page.uncheck("input[name=sms]")
    _readable(page, salon.shots, "deplacer")
    page.click("button:has-text('Déplacer')")
    page.wait_for_url(f"{base}/admin/rendez-vous?jour={day}")
    assert "Rendez-vous déplacé. Pas de SMS envoyé (décoché)." in page.inner_text("main")
    assert _start_of(salon, "Marc Lemaire") == later
    page.click("a.row:has-text('Marc Lemaire')")
    opened = page.url
    page.click("a:has-text('Annuler ce rendez-vous')")  # a link: it asks first
    page.wait_for_url(opened.replace("?jour=", "/annuler?jour="))
    shown = page.inner_text("main")
    assert "Annuler ce rendez-vous ?" in shown and "Marc Lemaire avec Yanis" in shown
    assert page.is_checked("input[name=sms]")
    _readable(page, salon.shots, "annuler")
    page.click("text=Non, garder le rendez-vous")
    page.wait_for_url(opened)
    assert _start_of(salon, "Marc Lemaire") == later  # nothing cancelled
    page.click("a:has-text('Annuler ce rendez-vous')")
    page.click("button:has-text('Oui, annuler le rendez-vous')")
    page.wait_for_url(f"{base}/admin/rendez-vous?jour={day}")
    assert "Rendez-vous annulé." in page.inner_text("main")
    assert "Marc Lemaire" not in page.inner_text("main")
    page.context.close()
