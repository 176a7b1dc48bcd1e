"""Integration tier: `python -m notify`, the owner's command over the outbox, in French.

The command runs in-process on a temporary `SALON_DB` with the outbox it builds from the
settings (Twilio pointed at the local stub, or left blank as on a fresh install); one test
runs the real `python -m notify` to see what reaches the owner's terminal. `--json` keeps
the drain's counts as one object for programs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notify.__main__ import main, summary
from notify.records import DrainReport
from tests.notify.conftest import make_outbox
from tests.stubs.twilio import TwilioStub

MOBILE = "+33612345678"


@pytest.fixture
def no_twilio(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh install: SALON_DB in tmp, no Twilio, no SMTP."""
    monkeypatch.setenv("SALON_DB", str(db_path))
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMTP_HOST"):
        monkeypatch.setenv(name, "")
    return db_path


@pytest.fixture
def with_twilio(db_path: Path, twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch) -> TwilioStub:
    """SALON_DB in tmp, Twilio's settings pointing at the stub, no SMTP."""
    monkeypatch.setenv("SALON_DB", str(db_path))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio.auth_token)
    monkeypatch.setenv("TWILIO_API_BASE_URL", twilio.base_url)
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "")
    monkeypatch.setenv("SMTP_HOST", "")
    return twilio


def test_the_list_shows_french_statuses_and_masked_numbers(
    no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = make_outbox(no_twilio)
    box.enqueue_now(channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms")
    assert main(["--drain"]) == 0
    capsys.readouterr()
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "confirmation de rendez-vous" in out and " non envoyé " in out
    assert " SMS " in out and " sms " not in out  # the console's word for the channel
    # the stored reason ("not sent: Twilio not configured") is read in French
    assert out.splitlines()[1].endswith(
        "confirmation de rendez-vous    Twilio n'est pas configuré "
        "(TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)"
    )
    assert "not sent" not in out and "not configured" not in out
    assert out.splitlines()[-1] == "1 message affiché ; en tout : non envoyé 1"
    assert MOBILE not in out  # numbers are masked


def test_the_list_has_a_french_header_and_names_each_message_as_the_console_does(
    no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = make_outbox(no_twilio)
    keys = {
        "ToZ3abc:reminder@2026-12-09T13:30:00Z:sms": "rappel",
        "sms-reply:SM" + "0" * 32 + ":sms": "réponse à un SMS",
        "waitlist-offer:7:sms": "proposition de créneau libéré",
        "bk9:cancelled:sms": "annulation",
    }
    for key in keys:
        box.enqueue_now(channel="sms", to=MOBILE, body="x", dedupe_key=key)
    assert main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "n°", "créé", "le", "canal", "destinataire", "statut", "essais", "message", "détail"
    ]  # fmt: skip
    rows = lines[1:-1]
    assert len(rows) == 4
    for key, word in keys.items():
        assert any(f"  {word}" in row for row in rows), (word, rows)
        assert all(key not in row for row in rows)  # no internal key on the owner's screen
    assert ":sms" not in "\n".join(rows)
    assert lines[-1] == "4 messages affichés ; en tout : en attente 4"


def test_the_list_says_in_french_why_twilio_refused_a_message(
    with_twilio: TwilioStub, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_outbox(db_path).enqueue_now(
        channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms"
    )
    with_twilio.fail_next(status=400, code=21211)
    assert main(["--drain"]) == 0
    capsys.readouterr()
    assert main(["--list", "--status", "failed"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert " échec " in line and "en échec" not in line  # the console's word for it
    assert line.endswith(
        "confirmation de rendez-vous    ce numéro n'est pas valide selon Twilio (code 21211)"
    )


def test_the_help_lists_each_status_with_the_words_the_list_and_the_console_show(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    assert shown.value.code == 0
    out = capsys.readouterr().out
    start = out.index("statuts (pour --status) :")
    assert out[start : out.index("\ncodes de sortie")] == (
        "statuts (pour --status) : queued = en attente, sending = en cours d'envoi,\n"
        "sent = envoyé, failed = échec, not_sent = non envoyé (réglages manquants)."
    )


def test_a_drain_without_twilio_says_in_french_what_is_kept_and_what_to_do(
    no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_outbox(no_twilio).enqueue_now(
        channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms"
    )
    assert main(["--drain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "0 message envoyé, 0 en échec.",
        "Encore dans la file : 0 à réessayer plus tard, 1 non envoyé faute de réglages.",
    ]
    assert lines[2].startswith("Non envoyés : réglez Twilio (SMS, WhatsApp) ou SMTP")
    assert lines[2].endswith("la liste : python -m notify --list --status not_sent")
    assert "{" not in "\n".join(lines)


def test_a_drain_counts_what_was_sent_refused_retried_and_kept(
    with_twilio: TwilioStub, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = make_outbox(db_path)
    for n in range(3):
        box.enqueue_now(channel="sms", to=MOBILE, body=f"RDV {n}", dedupe_key=f"bk{n}:booked:sms")
    box.enqueue_now(channel="email", to="owner@example.fr", body="x", dedupe_key="tr1:email")
    with_twilio.fail_next(status=400, code=21211)  # one refused for good
    with_twilio.fail_next(status=500)  # one to try again later (default backoff: seconds)

    assert main(["--drain"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "1 message envoyé, 1 en échec.",
        "Encore dans la file : 1 à réessayer plus tard, 1 non envoyé faute de réglages.",
    ]
    assert "Pourquoi en échec : python -m notify --list --status failed" in lines
    assert any(
        line.startswith("Les messages à réessayer partent avec scripts/jobs") for line in lines
    )
    assert len(with_twilio.messages) == 1


def test_json_gives_programs_the_drain_counts(
    no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_outbox(no_twilio).enqueue_now(
        channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms"
    )
    assert main(["--drain", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "sent": 0,
        "failed": 0,
        "held": 1,  # kept for lack of settings by this drain
        "retry_later": 0,
        "not_sent": 1,  # what the outbox holds so, whenever kept
        "attempts": 0,
        "recovered": 0,
    }


@pytest.mark.parametrize(
    ("report", "says"),
    [
        (DrainReport(), ["Rien à envoyer : aucun message en attente."]),
        (
            DrainReport(sent=2, attempts=2, keys_sent=["a", "b"]),
            ["2 messages envoyés, 0 en échec.", "Plus rien en attente dans la file."],
        ),
        (
            DrainReport(sent=1, recovered=1, attempts=1),
            [
                "1 message envoyé, 0 en échec, 1 déjà reçu par le fournisseur (pas renvoyé).",
                "Plus rien en attente dans la file.",
            ],
        ),
    ],
)
def test_the_summary_of_a_drain_reads_as_french_sentences(
    report: DrainReport, says: list[str]
) -> None:
    assert summary(report) == says


def test_a_test_sms_through_twilio_says_it_was_sent_and_exits_0(
    with_twilio: TwilioStub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--test-sms", "06 12 34 56 78"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "SMS de test envoyé au +336******78 : regardez le portable."
    assert lines[1:] == [
        "1 message envoyé, 0 en échec.",
        "Plus rien en attente dans la file.",
    ]
    sent = with_twilio.messages[0]
    assert sent["to"] == MOBILE and "SMS de test" in sent["body"]


def test_a_test_sms_without_twilio_names_the_settings_to_fill_in_and_exits_1(
    no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--test-sms", "07 98 76 54 32"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        "SMS de test pour le +337******32 non envoyé : Twilio n'est pas configuré "
        "(TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)."
    )


def test_a_test_sms_twilio_refuses_says_echec_and_why_and_exits_1(
    with_twilio: TwilioStub, capsys: pytest.CaptureFixture[str]
) -> None:
    with_twilio.fail_next(status=400, code=21211)
    assert main(["--test-sms", "06 12 34 56 78"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "Échec du SMS de test pour le +336******78 : "
        "ce numéro n'est pas valide selon Twilio (code 21211)."
    )


def test_a_test_sms_still_waiting_for_a_retry_exits_1_for_programs_too(
    with_twilio: TwilioStub, capsys: pytest.CaptureFixture[str]
) -> None:
    with_twilio.fail_next(status=500)  # kept for a later try: not sent yet
    assert main(["--test-sms", "06 12 34 56 78", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["retry_later"] == 1
    assert with_twilio.messages == []


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("04 78 42 18 90", "ce numéro n'est pas un portable, il ne peut pas recevoir de SMS"),
        ("06 12", "ce numéro de téléphone n'est pas valide"),
    ],
)
def test_a_number_that_cannot_get_an_sms_is_refused_in_french_and_nothing_is_queued(
    number: str, says: str, with_twilio: TwilioStub, db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as usage:
        main(["--test-sms", number])
    assert usage.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"python -m notify : erreur : --test-sms : {says} (« {number} »)"
    assert with_twilio.attempts == []
    assert make_outbox(db_path).counts() == {}


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "il faut l'une de ces options : --list --drain --test-sms"),
        (["--list", "--json"], "--wait et --json vont avec --drain ou --test-sms"),
        (["--drain", "--status", "failed"], "--status et --limit vont avec --list"),
        (["--list", "--limit", "0"], "--limit doit valoir au moins 1"),
        (["--drain", "--wait", "-1"], "--wait ne peut pas être négatif"),
    ],
)
def test_usage_errors_exit_2_with_one_french_line(
    argv: list[str], says: str, no_twilio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(argv)
    assert usage.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m notify : erreur : {says}"


def test_an_unreadable_state_database_is_one_french_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "salon.db"
    broken.write_bytes(b"not a database " * 100)
    assert main(["--list", "--db", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("python -m notify : erreur : la base d'état (SALON_DB ou --db) ")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_the_real_command_shows_the_owner_french_only(no_twilio: Path) -> None:
    make_outbox(no_twilio).enqueue_now(
        channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms"
    )
    done = subprocess.run(
        [sys.executable, "-m", "notify", "--drain"],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # the outbox's English log line (channel not configured) does not reach the terminal
    assert done.stderr == ""
    assert done.stdout.splitlines()[0] == "0 message envoyé, 0 en échec."


def test_the_list_shows_times_on_the_salon_clock_not_the_machine_s(no_twilio: Path) -> None:
    """A server runs on UTC (or anywhere): the owner reads the salon's time (salon.toml's
    timezone, Europe/Paris for the fixture salon), as `python -m records` shows it."""
    import sqlite3
    from datetime import UTC, datetime

    make_outbox(no_twilio).enqueue_now(
        channel="sms", to=MOBILE, body="x", dedupe_key="bk9:booked:sms"
    )
    at = datetime(2026, 12, 3, 9, 5, tzinfo=UTC).timestamp()  # 10:05 in Paris in winter
    with sqlite3.connect(no_twilio) as conn:
        conn.execute("UPDATE notify_outbox SET created_at = ?", (at,))
    conn.close()
    done = subprocess.run(
        [sys.executable, "-m", "notify", "--list"],
        cwd=Path(__file__).parents[2],
        env={**os.environ, "TZ": "America/New_York"},  # the machine's clock: 04:05
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    row = done.stdout.splitlines()[1]  # under the header
    assert "03/12/2026 10:05" in row, row
    assert "04:05" not in row and "09:05" not in row
