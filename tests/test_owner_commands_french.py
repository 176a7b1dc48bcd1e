"""Integration tier: every command a salon owner runs answers `--help` and usage errors in
French (the project's rule: what the owner reads is French; developer tools stay English).

Each command's `main` runs in this process with its own arguments; a usage error must
exit 2 with one French `erreur :` line and nothing of argparse's English.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.chat import main as chat_main
from booking.__main__ import main as booking_main
from ingest.crawler import main as crawl_main
from jobs.__main__ import main as jobs_main
from kb.cli.ask import main as ask_main
from kb.cli.reindex import main as reindex_main
from notify.__main__ import main as notify_main
from ops.doctor.__main__ import main as doctor_main
from ops.serve import main as serve_main
from records.__main__ import main as records_main
from tests.fixtures.isolation import CHECKOUT, isolated_environment
from webhook.console.password import main as password_main
from webhook.serve import main as webhook_main
from webhook.sip_setup import main as sip_setup_main

Main = Callable[[list[str]], int]

# argparse's own English words, which must not reach the owner
ENGLISH = ("usage:", "show this help message", "positional arguments", "error:")

HELP: list[tuple[str, Main, list[str], str]] = [
    ("scripts/reindex", reindex_main, [], "Construit la base de connaissances"),
    ("scripts/ask", ask_main, [], "Interroge la base de connaissances"),
    ("python -m records", records_main, [], "Consulte le journal des appels"),
    ("python -m records answer", records_main, ["answer"], "Répond à une question"),
    ("python -m records forget", records_main, ["forget"], "Efface tout ce qui est conservé"),
    ("python -m booking", booking_main, [], "Consulte l'agenda"),
    ("python -m booking list", booking_main, ["list"], "Les rendez-vous d'un jour"),
    ("python -m booking slots", booking_main, ["slots"], "Les créneaux libres"),
    ("python -m booking check", booking_main, ["check"], "Vérifie que Cal.com est prêt"),
    ("python -m notify", notify_main, [], "Consulte ou envoie les messages"),
    ("scripts/doctor", doctor_main, [], "Vérifie, avant le premier appel"),
    ("scripts/jobs", jobs_main, [], "Le travail entre les appels"),
    ("scripts/owner-password", password_main, [], "Affiche la ligne OWNER_PASSWORD_HASH"),
    ("scripts/crawl", crawl_main, [], "Enregistre le site du salon"),
    ("scripts/serve", serve_main, [], "Lance tout le salon dans un seul terminal"),
    ("scripts/webhook", webhook_main, [], "Reçoit les appels et les SMS de Twilio"),
    ("scripts/setup-livekit-sip", sip_setup_main, [], "Crée (ou retrouve) dans LiveKit"),
    ("scripts/chat", chat_main, [], "Parlez au réceptionniste par écrit"),
]

USAGE_ERRORS: list[tuple[str, Main, list[str], str]] = [
    ("scripts/reindex", reindex_main, ["--complet"], "arguments non reconnus : --complet"),
    ("scripts/ask", ask_main, ["-k", "0", "question"], "-k doit valoir au moins 1"),
    ("python -m records", records_main, ["--recent", "dix"], "--recent : valeur invalide"),
    ("python -m records answer", records_main, ["answer", "12"], "il manque : TEXTE"),
    ("python -m records forget", records_main, ["forget"], "il manque : NUMÉRO"),
    ("python -m booking", booking_main, ["agenda"], "COMMANDE : choix invalide 'agenda'"),
    (
        "python -m booking slots",
        booking_main,
        ["slots", "coupe homme", "--day", "2026-13-01"],
        "date attendue sous la forme 2026-12-12",
    ),
    (
        "python -m notify",
        notify_main,
        ["--test-sms", "04 78 42 18 90"],
        "--test-sms : ce numéro n'est pas un portable",
    ),
    ("scripts/doctor", doctor_main, ["--timeout", "0"], "--timeout doit être un nombre"),
    ("scripts/jobs", jobs_main, ["--json"], "--json va avec --once"),
    ("scripts/owner-password", password_main, ["secret"], "arguments non reconnus : secret"),
    ("scripts/crawl", crawl_main, [], "il manque : ADRESSE"),
    ("scripts/chat", chat_main, ["--turn-timeout", "vite"], "--turn-timeout : valeur invalide"),
    ("scripts/crawl", crawl_main, ["https://a.fr", "--delay", "-1"], "--delay ne peut pas"),
    ("scripts/crawl", crawl_main, ["https://a.fr", "--max-pages", "x"], "valeur invalide 'x'"),
    ("scripts/serve", serve_main, ["--command", "x"], "--command s'écrit NOM=COMMANDE, pas 'x'"),
    ("scripts/serve", serve_main, ["--backoff", "0"], "--backoff et --stop-grace doivent être"),
    (
        "scripts/serve",
        serve_main,
        ["--ngrok", "--public-url", "https://a.fr"],
        "--public-url : ne va pas avec --ngrok",
    ),
    ("scripts/webhook", webhook_main, ["--port", "http"], "--port : valeur invalide 'http'"),
    ("scripts/webhook", webhook_main, ["--port", "0"], "--port doit être un numéro de port"),
    ("scripts/webhook", webhook_main, ["--threads", "0"], "--threads doit valoir au moins 1"),
    ("scripts/setup-livekit-sip", sip_setup_main, ["--yaml"], "arguments non reconnus : --yaml"),
]


@pytest.mark.parametrize(
    ("prog", "main", "before", "says"), HELP, ids=[h[0] + " --help" for h in HELP]
)
def test_the_help_of_each_owner_command_is_french(
    prog: str, main: Main, before: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*before, "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert out.startswith(f"utilisation : {prog} [-h]")
    assert "-h, --help" in out and "afficher cette aide et quitter" in out
    assert says in out
    assert not [word for word in ENGLISH if word in out], out


@pytest.mark.parametrize(
    ("prog", "main", "argv", "says"), USAGE_ERRORS, ids=[u[0] for u in USAGE_ERRORS]
)
def test_a_usage_error_of_each_owner_command_is_french_and_exits_2(
    prog: str, main: Main, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert err.startswith(f"utilisation : {prog}")
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith(f"{prog} : erreur : ") and says in last, err
    assert not [word for word in ENGLISH if word in err], err


# ------------------------------------------------- python -m booking, run as the owner does

LOCAL_CALENDAR_LINE = "CAL_API_KEY n'est pas réglé : l'agenda intégré du salon est utilisé"


def _booking_process(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m booking …` as a process on the fixture salon: what reaches the owner's
    terminal, logging's last-resort handler included."""
    return subprocess.run(
        [sys.executable, "-m", "booking", *argv],
        cwd=CHECKOUT,
        env={**os.environ, **isolated_environment(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--avec", "Yanis"], "Yanis ne réalise pas cette prestation."),
        (
            ["--also", "coupe homme"],
            "Aucun membre de l'équipe ne réalise toutes ces prestations dans le même rendez-vous.",
        ),
    ],
    ids=["--avec", "--also"],
)
def test_booking_slots_refusals_reach_the_owner_in_french(
    tmp_path: Path, argv: list[str], says: str
) -> None:
    done = _booking_process(tmp_path, "slots", "balayage long", *argv)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [LOCAL_CALENDAR_LINE, f"python -m booking : erreur : {says}"]


def test_booking_slots_with_cal_com_down_prints_one_french_line_and_no_log(
    tmp_path: Path,
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = {"CAL_API_KEY": "cal_test_key", "CAL_API_URL": f"http://127.0.0.1:{port}/v2",
            "CAL_API_DEADLINE": "0.5"}  # fmt: skip
    for argv in (["slots", "coupe homme"], ["slots", "balayage long", "--avec", "Yanis"]):
        done = _booking_process(tmp_path, *argv, **down)
        assert done.returncode == 1
        [line] = done.stderr.splitlines()  # « Cal.com deadline exceeded » stays in the logs
        assert line.startswith("python -m booking : erreur : "), line
        for english in ("deadline", "not read", "attempt", "stylist", "Error"):
            assert english not in line, line
    assert line.endswith("Yanis ne réalise pas cette prestation.")
