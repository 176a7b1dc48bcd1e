"""Integration tier (Flask test client): what each page shows, and the owner's actions on
calls, messages and sent messages. Phone numbers stay masked in lists and appear only in
a record the owner opens; everything from a caller is escaped."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from notify.__main__ import main as notify_main
from notify.outbox import Outbox, RetryPolicy
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from records.listing import count_calls, gap_ids, gap_key, recent_calls
from salon import state_db
from salon.profile import load_profile
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN, insert_booking, save_call
from tests.stubs.twilio import TwilioStub

MASKED = "+336******78"


def test_today_shows_the_day_at_a_glance_with_masked_numbers(
    owner: FlaskClient, salon: Salon
) -> None:
    profile = load_profile(salon.profile)
    now = datetime.now(profile.timezone)
    today_at = now.replace(hour=23, minute=0, second=0, microsecond=0)
    insert_booking(salon.salon_db, service_id="coupe-homme", start=today_at, minutes=30,
                   name="Paul Martin")  # fmt: skip
    insert_booking(salon.salon_db, service_id="frange", start=today_at + timedelta(days=1),
                   minutes=15, name="Inès Garnier")  # fmt: skip
    insert_booking(salon.salon_db, service_id="frange", start=today_at + timedelta(days=2),
                   minutes=15, name="Après-demain Hors-Champ")  # fmt: skip
    save_call(salon.salon_db, started=datetime.now(UTC) - timedelta(hours=1),
              gaps=["Vous faites les extensions ?"], message="Rappelez-moi pour un devis mariage")  # fmt: skip
    save_call(salon.salon_db, started=datetime.now(UTC) - timedelta(days=5))  # before yesterday
    page = owner.get("/admin/").get_data(as_text=True)
    assert "Paul Martin" in page and "Inès Garnier" in page
    assert "Hors-Champ" not in page
    assert "Appels depuis hier : 1" in page
    assert "Rappelez-moi pour un devis mariage" in page
    assert "Vous faites les extensions ?" in page
    assert MASKED in page and PHONE not in page and SHOWN not in page


def test_calls_are_listed_masked_fifty_a_page_newest_first(
    owner: FlaskClient, salon: Salon
) -> None:
    start = datetime.now(UTC) - timedelta(days=3)
    for n in range(60):
        save_call(salon.salon_db, started=start + timedelta(minutes=n), sid=f"CA{n:032x}")
    first = owner.get("/admin/appels").get_data(as_text=True)
    second = owner.get("/admin/appels?page=2").get_data(as_text=True)
    assert 'Appels <span class="muted">· 60' in first
    assert first.count('class="item"') == 50 and second.count('class="item"') == 10
    assert MASKED in first and PHONE not in first and SHOWN not in first
    assert "page 1 sur 2" in first and "Plus anciens" in first
    assert owner.get("/admin/appels?page=0").status_code == 400
    assert owner.get("/admin/appels?page=abc").status_code == 400


def test_a_question_answered_since_is_no_longer_counted_on_the_calls_list(
    owner: FlaskClient, app: Flask, salon: Salon, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner answers one of a call's two questions on the Questions page: the list
    says « 1 question sans réponse », the call marks the other one answered."""
    from tests.console.conftest import console_of

    monkeypatch.setattr(console_of(app).reindex, "start", lambda *, reason: (None, True))
    now = datetime.now(UTC)
    both = save_call(
        salon.salon_db,
        started=now - timedelta(hours=1),
        gaps=["Vous avez un parking ?", "Vous faites les extensions ?"],
    )
    save_call(salon.salon_db, started=now, gaps=["vous avez un  parking ?"])
    listing = owner.get("/admin/appels").get_data(as_text=True)
    assert "2 questions sans réponse" in listing and "1 question sans réponse" in listing
    conn = state_db.connect(salon.salon_db)
    gap_id = gap_ids(conn)[gap_key("Vous avez un parking ?")]  # as the Questions page
    conn.close()
    page = owner.get("/admin/questions").get_data(as_text=True)
    assert f'name="question" value="{gap_id}"' in page
    answered = owner.post(
        "/admin/questions/repondre",
        data={"csrf_token": csrf(page), "question": gap_id, "reponse": "Oui, place du marché."},
    )
    assert answered.status_code == 303
    listing = owner.get("/admin/appels").get_data(as_text=True)
    assert listing.count("1 question sans réponse") == 1, listing
    assert "2 questions" not in listing and "question(s)" not in listing
    call = html.unescape(owner.get(f"/admin/appels/{both}").get_data(as_text=True))
    assert 'Vous avez un parking ? <span class="muted">(réponse ajoutée depuis)</span>' in call
    assert "Vous faites les extensions ?</li>" in call


def test_opening_a_call_shows_its_number_summary_and_escaped_transcript(
    owner: FlaskClient, salon: Salon
) -> None:
    call_id = save_call(
        salon.salon_db,
        started=datetime.now(UTC) - timedelta(hours=2),
        said='<script>alert("x")</script><img src=x onerror=alert(1)> & merci',
        gaps=["<b>Vous faites les extensions ?</b>"],
    )
    page = owner.get(f"/admin/appels/{call_id}").get_data(as_text=True)
    assert SHOWN in page and f'href="tel:{PHONE}"' in page  # opened on purpose: the number
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;b&gt;Vous faites les extensions ?&lt;/b&gt;" in page
    assert "Transcription" in page and "renseignement donné" in page
    assert owner.get("/admin/appels/999999").status_code == 404


def test_a_message_is_opened_with_its_number_then_marked_done(
    owner: FlaskClient, salon: Salon
) -> None:
    save_call(
        salon.salon_db, started=datetime.now(UTC), message="Rappelez <i>vite</i>", outcome="message"
    )
    listing = owner.get("/admin/messages").get_data(as_text=True)
    assert "Rappelez &lt;i&gt;vite&lt;/i&gt;" in listing
    assert MASKED in listing and SHOWN not in listing
    message_id = int(re.search(r'/admin/messages/(\d+)"', listing).group(1))  # type: ignore[union-attr]
    opened = owner.get(f"/admin/messages/{message_id}").get_data(as_text=True)
    assert SHOWN in opened and "Élodie Lefèvre" in opened
    done = owner.post(f"/admin/messages/{message_id}/traite", data={"csrf_token": csrf(opened)})
    assert done.status_code == 303
    after = owner.get("/admin/messages").get_data(as_text=True)
    assert "Message marqué comme traité" in after and "Aucun message en attente" in after
    again = owner.post(f"/admin/messages/{message_id}/traite", data={"csrf_token": csrf(after)})
    assert "déjà traité" in owner.get(again.headers["Location"]).get_data(as_text=True)


def _failed_sms(salon: Salon, stub: TwilioStub) -> int:
    """An SMS that failed for good (Twilio answered 500 and the policy allowed 1 try)."""
    import asyncio

    options = TwilioOptions(account_sid=stub.account_sid, auth_token=stub.auth_token,
                            base_url=stub.base_url, sms_from="MMargaux")  # fmt: skip
    outbox = Outbox(notifiers=[TwilioNotifier(options)], db_path=salon.salon_db,
                    policy=RetryPolicy(max_attempts=1))  # fmt: skip
    queued = outbox.enqueue_now(channel="sms", to=PHONE, body="Maison Margaux : test.",
                                dedupe_key="test:console:sms")  # fmt: skip
    stub.fail_next(status=500)
    asyncio.run(outbox.drain())
    entry = outbox.get("test:console:sms")
    assert entry is not None and entry.status == "failed"
    asyncio.run(outbox.aclose())
    return queued.entry.id


def test_a_failed_sms_is_sent_again_from_the_outbox_page(
    owner: FlaskClient, salon: Salon, monkeypatch: object
) -> None:
    with TwilioStub() as stub:
        for key, value in (("TWILIO_ACCOUNT_SID", stub.account_sid),
                           ("TWILIO_AUTH_TOKEN", stub.auth_token),
                           ("TWILIO_API_BASE_URL", stub.base_url)):  # fmt: skip
            monkeypatch.setenv(key, value)  # type: ignore[attr-defined]
        entry_id = _failed_sms(salon, stub)
        page = owner.get("/admin/envois?statut=failed").get_data(as_text=True)
        assert "échec" in page and "Renvoyer" in page and MASKED in page and PHONE not in page
        # the stored "Twilio 500: … (gave up after 1)" is read in French
        assert "abandonné après 1 essai : Twilio a un problème de son côté (erreur 500)" in page
        assert "gave up" not in page
        answer = owner.post(f"/admin/envois/{entry_id}/renvoyer", data={"csrf_token": csrf(page)})
        assert answer.status_code == 303
        assert "Message renvoyé" in owner.get(answer.headers["Location"]).get_data(as_text=True)
        assert [m["body"] for m in stub.messages_to(PHONE)] == ["Maison Margaux : test."]
        # a sent message is never sent twice
        page = owner.get("/admin/envois").get_data(as_text=True)
        again = owner.post(f"/admin/envois/{entry_id}/renvoyer", data={"csrf_token": csrf(page)})
        assert "rien à renvoyer" in owner.get(again.headers["Location"]).get_data(as_text=True)
        assert len(stub.messages_to(PHONE)) == 1


def test_a_message_kept_without_twilio_says_in_french_which_settings_to_fill_in(
    owner: FlaskClient, salon: Salon
) -> None:
    import asyncio

    outbox = Outbox(db_path=salon.salon_db)  # no notifier: a fresh install without Twilio
    outbox.enqueue_now(channel="sms", to=PHONE, body="Maison Margaux : test.",
                       dedupe_key="test:console:kept")  # fmt: skip
    asyncio.run(outbox.drain())
    entry = outbox.get("test:console:kept")
    assert entry is not None and entry.detail == "not sent: Twilio not configured"
    page = html.unescape(owner.get("/admin/envois?statut=not_sent").get_data(as_text=True))
    assert "Twilio n'est pas configuré (TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)" in page
    assert "not sent" not in page and "not configured" not in page


def test_the_outbox_page_words_each_status_and_channel_as_python_m_notify_lists_it(
    owner: FlaskClient, salon: Salon, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = Outbox(db_path=salon.salon_db)  # not drained: the messages wait
    for channel, to in (("sms", PHONE), ("whatsapp", PHONE), ("email", "owner@example.fr")):
        outbox.enqueue_now(channel=channel, to=to, body="x", dedupe_key=f"test:console:{channel}")
    page = html.unescape(owner.get("/admin/envois").get_data(as_text=True))
    assert "<strong>en attente</strong>" in page
    tabs = re.findall(r'statut=\w+"[^>]*>([^<]+) \(\d+\)</a>', page)
    assert tabs == ["en attente", "en cours d'envoi", "envoyé", "échec", "non envoyé"]
    shown = re.findall(r'<span class="who">(\S+) à ', page)
    assert sorted(shown) == ["SMS", "WhatsApp", "e-mail"]
    assert notify_main(["--list", "--db", str(salon.salon_db)]) == 0
    listed = capsys.readouterr().out.splitlines()
    rows = listed[1:-1]  # under the header, above the total
    for word in ("SMS", "WhatsApp", "e-mail"):
        [line] = [row for row in rows if f" {word} " in row.split("SMS de test")[0]]
        assert " en attente " in line and line.endswith("SMS de test")  # the page's kind
    assert page.count("SMS de test : ") == 3
    assert listed[-1] == "3 messages affichés ; en tout : en attente 3"


def test_the_outbox_page_filters_by_status_and_refuses_an_unknown_one(owner: FlaskClient) -> None:
    assert owner.get("/admin/envois?statut=sent").status_code == 200
    assert owner.get("/admin/envois?statut=<b>").status_code == 400


def test_the_salon_page_shows_what_the_receptionist_knows(owner: FlaskClient) -> None:
    page = owner.get("/admin/salon").get_data(as_text=True)
    for fact in ("Maison Margaux Coiffure", "18 rue de la Charité", "de 9h30 à 19h",
                 "Coupe homme", "28 €", "à partir de 79 €", "Margaux Delorme", "04 78 42 18 90"):  # fmt: skip
        assert fact in page, fact


def test_the_salon_page_groups_services_by_category_and_lists_dates_in_order(
    owner: FlaskClient, salon: Salon
) -> None:
    """A category listed in two places of salon.toml is one group (first place first,
    services in file order inside); closures and special hours are read by date."""
    today = datetime.now(load_profile(salon.profile).timezone).date()

    def day(n: int) -> str:
        return (today + timedelta(days=n)).isoformat()

    def service(ident: str, name: str, category: str) -> str:
        return (
            f'\n[[services]]\nid = "{ident}"\nname = "{name}"\ncategory = "{category}"\n'
            "duration = 30\nprice = 20\n"
        )

    extra = (
        service("soin-test-keratine", "Soin profond kératine", "Soins")
        + service("coupe-test-frange", "Coupe de la frange", "Femme")
        + service("soin-test-eclat", "Soin éclat express", "Soins")
        + f'\n[[closures]]\nstart = "{day(60)}"\nend = "{day(61)}"\nreason = "travaux"\n'
        + f'\n[[closures]]\nstart = "{day(20)}"\nend = "{day(20)}"\nreason = "formation"\n'
        + f'\n[[special_hours]]\ndate = "{day(50)}"\nhours = [["10:00", "12:00"]]\n'
        + 'reason = "inventaire"\n'
        + f'\n[[special_hours]]\ndate = "{day(15)}"\nhours = [["14:00", "18:00"]]\n'
        + 'reason = "réunion d\'équipe"\n'
    )
    with salon.profile.open("a", encoding="utf-8") as handle:
        handle.write(extra)
    page = html.unescape(owner.get("/admin/salon").get_data(as_text=True))
    assert "Prestations et tarifs" in page, page[-1500:]
    headings = re.findall(r"<h3>([^<]+)</h3>", page.split("Prestations et tarifs", 1)[1])
    assert headings.count("Soins") == 1 and headings.count("Femme") == 1, headings
    assert headings.index("Femme") < headings.index("Soins")
    soins = page.split("<h3>Soins</h3>", 1)[1].split("</ul>", 1)[0]
    assert soins.index("Soin profond kératine") < soins.index("Soin éclat express")
    femme = page.split("<h3>Femme</h3>", 1)[1].split("</ul>", 1)[0]
    assert "Coupe de la frange" in femme
    assert page.index(": formation") < page.index(": travaux")
    assert page.index("(réunion d'équipe)") < page.index("(inventaire)")


def test_the_questions_page_lists_the_most_asked_first(owner: FlaskClient, salon: Salon) -> None:
    now = datetime.now(UTC)
    for _ in range(3):
        save_call(salon.salon_db, started=now, gaps=["Vous avez un parking ?"])
    save_call(salon.salon_db, started=now, gaps=["Vous faites les extensions ?"])
    page = owner.get("/admin/questions").get_data(as_text=True)
    assert page.index("Vous avez un parking ?") < page.index("Vous faites les extensions ?")
    assert "Demandé 3 fois" in page and page.count('name="reponse"') == 2


def test_listing_queries_count_and_page_calls(salon: Salon) -> None:
    now = datetime.now(UTC)
    for n in range(5):
        save_call(salon.salon_db, started=now - timedelta(hours=n), gaps=["q"] if n == 0 else None)
    conn = state_db.connect(salon.salon_db)
    assert count_calls(conn) == 5
    assert count_calls(conn, since=now - timedelta(hours=2, minutes=30)) == 3
    page = recent_calls(conn, limit=2, offset=1)
    assert [c.started_at for c in page] == sorted((c.started_at for c in page), reverse=True)
    assert len(page) == 2 and all(c.gaps == 0 for c in page)
    assert recent_calls(conn, limit=1)[0].gaps == 1
    conn.close()


def test_a_page_that_fails_answers_a_french_error_page_not_twiml(
    owner: FlaskClient, app: Flask, monkeypatch: object
) -> None:
    from webhook.console import calls

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(calls, "recent_calls", broken)  # type: ignore[attr-defined]
    answer = owner.get("/admin/appels")
    assert answer.status_code == 500 and "text/html" in answer.headers["Content-Type"]
    assert "Erreur inattendue" in answer.get_data(as_text=True)


@pytest.mark.parametrize("page", ["/admin/", "/admin/rendez-vous", "/admin/salon"])
def test_a_salon_toml_that_does_not_load_is_named_with_its_line_on_the_page(
    owner: FlaskClient, salon: Salon, page: str
) -> None:
    """A typo in salon.toml (a text without quotes) used to give « La page n'a pas pu
    s'afficher » on every page: the owner is told what and where, and how to check."""
    broken = salon.profile.read_text(encoding="utf-8").replace('name = "', "name = ", 1)
    salon.profile.write_text(broken, encoding="utf-8")
    answer = owner.get(page)
    body = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 500, body
    assert "salon.toml ne peut pas être lu" in body and "ligne 7" in body, body
    assert "scripts/doctor" in body and "n'a pas pu s'afficher" not in body


@pytest.mark.parametrize(
    ("method", "url", "code", "title", "said"),
    [
        ("GET", "/admin/introuvable", 404, "Page introuvable", "Cette page n&#39;existe pas"),
        ("GET", "/admin/appels/abc", 404, "Page introuvable", "Cette page n&#39;existe pas"),
        ("POST", "/admin/documents/rien", 404, "Page introuvable", "Cette page n&#39;existe pas"),
        ("GET", "/admin/logout", 405, "Action impossible ici", "ne s&#39;utilise pas ainsi"),
        ("DELETE", "/admin/appels", 405, "Action impossible ici", "ne s&#39;utilise pas ainsi"),
    ],
)
def test_an_unknown_console_address_answers_the_french_error_page_with_a_way_back(
    owner: FlaskClient, method: str, url: str, code: int, title: str, said: str
) -> None:
    answer = owner.open(url, method=method)
    body = answer.get_data(as_text=True)
    assert answer.status_code == code and "text/html" in answer.headers["Content-Type"], body
    assert title in body and said in body and "Retour à la console" in body
    assert 'href="/admin/"' in body
    assert "Not Found" not in body and "Method Not Allowed" not in body
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    if code == 405:
        assert "POST" in answer.headers["Allow"] or "GET" in answer.headers["Allow"]


def test_unknown_addresses_outside_the_console_keep_the_webhooks_plain_answer(
    owner: FlaskClient,
) -> None:
    answer = owner.get("/nimporte-quoi")
    assert answer.status_code == 404 and answer.mimetype == "text/plain"


def test_an_unknown_console_address_still_asks_a_stranger_to_sign_in(app: Flask) -> None:
    answer = app.test_client().get("/admin/introuvable")
    assert answer.status_code == 302 and "/admin/login" in answer.headers["Location"]


def test_answering_a_question_writes_the_faq_marks_it_answered_and_reindexes(
    owner: FlaskClient, app: Flask, salon: Salon, monkeypatch: object
) -> None:
    from tests.console.conftest import console_of

    asked: list[str] = []
    monkeypatch.setattr(console_of(app).reindex, "start",  # type: ignore[attr-defined]
                        lambda *, reason: (asked.append(reason), (None, True))[1])  # fmt: skip
    now = datetime.now(UTC)
    save_call(salon.salon_db, started=now, gaps=["Vous faites les extensions ?"])
    save_call(salon.salon_db, started=now, gaps=["vous faites les  extensions ?"])
    page = owner.get("/admin/questions").get_data(as_text=True)
    gap_id = re.search(r'name="question" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    empty = owner.post("/admin/questions/repondre",
                       data={"csrf_token": csrf(page), "question": gap_id, "reponse": "  "})  # fmt: skip
    assert "La réponse est vide" in owner.get(empty.headers["Location"]).get_data(as_text=True)
    answer = owner.post("/admin/questions/repondre", data={
        "csrf_token": csrf(page), "question": gap_id,
        "reponse": "Oui, à la kératine, sur devis après un diagnostic offert."})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        "/documents/indexation"
    )
    faq = (salon.sources / "reponses-du-salon.md").read_text(encoding="utf-8")
    assert "## vous faites les extensions ?" in faq.lower()
    assert "Oui, à la kératine, sur devis" in faq
    assert asked == ["réponse à une question"]
    after = owner.get("/admin/questions").get_data(as_text=True)
    assert "extensions" not in after.split("<h1>")[1]
    again = owner.post("/admin/questions/repondre",
                       data={"csrf_token": csrf(after), "question": gap_id, "reponse": "Oui."})  # fmt: skip
    assert "déjà une réponse" in owner.get(again.headers["Location"]).get_data(as_text=True)
    unknown = owner.post("/admin/questions/repondre",
                         data={"csrf_token": csrf(after), "question": "x", "reponse": "Oui."})  # fmt: skip
    assert "Question inconnue" in owner.get(unknown.headers["Location"]).get_data(as_text=True)
