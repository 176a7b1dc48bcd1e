"""Integration tier: `scripts/serve` as a process — fake programs in place of the worker,
the webhook and the jobs, a given public URL in place of the ngrok tunnel (no internet),
the Twilio stub for the number; Ctrl-C and SIGTERM leave no process behind."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ops.serve import default_programs, parse_command
from ops.tunnel import open_ngrok
from salon.measure import free_port
from tests.ops.conftest import ROOT, documented_settings, group_alive
from tests.stubs.twilio import TwilioStub

NUMBER = "+33478421890"


class Serve:
    """`python -m ops.serve …` with its output read line by line."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ops.serve", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, *, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
        raise AssertionError(f"{text!r} not seen in:\n" + "\n".join(self.lines))

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=20)
        while True:
            line = self._queue.get(timeout=5)
            if line is None:
                return code
            self.lines.append(line)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def started_pids(lines: list[str]) -> list[int]:
    return [int(line.rsplit("pid ", 1)[1].rstrip(")")) for line in lines if "démarré (pid" in line]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The test environment with every documented setting blank."""
    blank = {name: "" for name in documented_settings()}
    return {
        **os.environ,
        **blank,
        "TWILIO_PHONE_NUMBER": "",
        "NGROK_AUTHTOKEN": "",
        "NGROK_DOMAIN": "",
        "SALON_PROFILE": str(tmp_path / "salon.toml"),
        "SALON_DB": str(tmp_path / "salon.db"),
    }


@pytest.fixture
def serves() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for serve in started:
        serve.kill()


def test_ctrl_c_stops_every_program_and_its_children_and_exits_0(
    env: dict[str, str], serves: list[Serve]
) -> None:
    serve = Serve(
        "--command", "worker=sh -c 'sleep 300 & echo worker up; wait'",
        "--command", "webhook=sh -c 'echo webhook up; exec sleep 300'",
        "--command", "jobs=sh -c 'echo jobs up; exec sleep 300'",
        env=env,
    )  # fmt: skip
    serves.append(serve)
    for name in ("worker", "webhook", "jobs"):
        serve.wait_for(f"{name} up")
    assert serve.wait_for("worker  | worker up") == "worker  | worker up"
    pgids = started_pids(serve.lines)
    assert len(pgids) == 3
    assert serve.stop(signal.SIGINT) == 0
    assert serve.lines[-1] == "serve   | tout est arrêté"
    assert not any(group_alive(p) for p in pgids)


def test_sigterm_stops_as_cleanly_and_a_crash_is_restarted_meanwhile(
    env: dict[str, str], serves: list[Serve], tmp_path: Path
) -> None:
    marker = tmp_path / "runs"
    serve = Serve(
        "--command", f"jobs=sh -c 'echo run >> {marker}; echo jobs run; exit 4'",
        "--command", "webhook=sh -c 'echo webhook up; exec sleep 300'",
        "--backoff", "0.1", "--backoff-max", "0.2",
        env=env,
    )  # fmt: skip
    serves.append(serve)
    first = serve.wait_for("redémarrage dans 0,1 s")
    second = serve.wait_for("redémarrage dans 0,2 s")
    assert serve.lines.index(first) < serve.lines.index(second)
    assert serve.stop(signal.SIGTERM) == 0
    assert marker.read_text().count("run") >= 2
    assert not any(group_alive(p) for p in started_pids(serve.lines))


def test_a_webhook_without_its_token_is_left_stopped_with_one_line_saying_what_to_set(
    env: dict[str, str], serves: list[Serve]
) -> None:
    """A fresh clone: the real webhook exits 2 naming TWILIO_AUTH_TOKEN. Restarted, it
    printed the same line every few seconds forever; it is now left stopped, while a
    program that crashes is still restarted; serve ends (exit 2) once nothing runs."""
    webhook = f"webhook={sys.executable} -m webhook.serve --port {free_port()}"
    serve = Serve(
        "--command", webhook,
        "--command", "jobs=sh -c 'echo jobs run; exit 1'",
        "--backoff", "0.1", "--backoff-max", "0.2",
        env=env,
    )  # fmt: skip
    serves.append(serve)
    gave_up = serve.wait_for("webhook s'est arrêté sur une erreur de réglage", timeout=60)
    assert gave_up == (
        "serve   | webhook s'est arrêté sur une erreur de réglage (code 2) et ne sera pas "
        "relancé : réglez TWILIO_AUTH_TOKEN dans .env (voir ci-dessus), puis relancez "
        "scripts/serve"
    )
    serve.wait_for("jobs s'est arrêté (code 1)")
    serve.wait_for("redémarrage dans 0,2 s")
    assert serve.stop(signal.SIGTERM) == 0
    assert sum("webhook démarré" in line for line in serve.lines) == 1
    assert sum("réglage manquant : TWILIO_AUTH_TOKEN" in line for line in serve.lines) == 1


def test_serve_ends_with_exit_2_once_every_program_stopped_on_a_setting_error(
    env: dict[str, str], serves: list[Serve]
) -> None:
    serve = Serve(
        "--command", f"webhook={sys.executable} -m webhook.serve --port {free_port()}",
        env=env,
    )  # fmt: skip
    serves.append(serve)
    assert serve.process.wait(timeout=60) == 2
    serve.wait_for("plus aucun programme ne tourne : serve s'arrête")


def test_a_given_public_url_reaches_the_children_points_twilio_and_says_whom_to_call(
    env: dict[str, str], serves: list[Serve], tmp_path: Path
) -> None:
    port = free_port()
    site = tmp_path / "site"
    site.mkdir()
    (site / "healthz").write_text('{"status": "ok"}')  # the fake webhook answers /healthz
    with TwilioStub() as twilio:
        sid = twilio.add_number(NUMBER, voice_url="https://old-tunnel.ngrok.app/voice")
        env |= {
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_API_BASE_URL": twilio.base_url,
            "TWILIO_PHONE_NUMBER": NUMBER,
        }
        webhook = f"{sys.executable} -m http.server {port} --bind 127.0.0.1 --directory {site}"
        serve = Serve(
            "--public-url", "https://salon-test.ngrok.app/",
            "--port", str(port),
            "--command", f"webhook={webhook}",
            "--command", "worker=sh -c 'echo PUBLIC_BASE_URL=$PUBLIC_BASE_URL; exec sleep 300'",
            env=env,
        )  # fmt: skip
        serves.append(serve)
        serve.wait_for("serve   | adresse publique https://salon-test.ngrok.app -> localhost:")
        serve.wait_for("worker  | PUBLIC_BASE_URL=https://salon-test.ngrok.app")
        assert serve.wait_for("Appelez le") == "serve   | Appelez le +33 4 78 42 18 90 pour tester"
        assert serve.wait_for("ok : numéro Twilio : ").startswith(
            "serve   | ok : numéro Twilio : +33 4 78 42 18 90 est relié à "
            "https://salon-test.ngrok.app (/voice, /status, /sms, POST)"
        )
        assert twilio.numbers[sid]["voice_url"] == "https://salon-test.ngrok.app/voice"
        assert twilio.numbers[sid]["status_callback"] == "https://salon-test.ngrok.app/status"
        assert twilio.numbers[sid]["sms_url"] == "https://salon-test.ngrok.app/sms"
        assert twilio.violations == []
        assert serve.stop() == 0


def test_without_twilio_the_public_url_is_shown_with_what_to_set_by_hand(
    env: dict[str, str], serves: list[Serve]
) -> None:
    serve = Serve(
        "--public-url", "https://salon-test.ngrok.app",
        "--port", str(free_port()),
        "--ready-timeout", "0.5",
        "--command", "worker=sh -c 'exec sleep 300'",
        env=env,
    )  # fmt: skip
    serves.append(serve)
    assert serve.wait_for("| le webhook ne répond pas sur le port ").endswith(
        " après 0,5 s ; on relie quand même le numéro Twilio"
    )
    assert serve.wait_for("console Twilio") == (
        "serve  | dans la console Twilio, réglez l'adresse des appels (voice URL) du numéro "
        "sur https://salon-test.ngrok.app/voice (POST)"
    )
    assert serve.stop() == 0
    assert not any("Appelez" in line for line in serve.lines)


def test_ngrok_without_its_authtoken_is_a_usage_error_naming_it(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ops.serve", "--ngrok", "--command", "a=true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(
        "serve : erreur : réglage manquant : NGROK_AUTHTOKEN (pour ouvrir le tunnel de "
        "scripts/serve --ngrok) ; ajoutez-le dans .env"
    )


def test_a_malformed_command_is_a_usage_error(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ops.serve", "--command", "no-equals-sign"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "scripts/serve : erreur : --command s'écrit NOM=COMMANDE, pas 'no-equals-sign'"
    )


def test_parse_command_splits_like_a_shell() -> None:
    program = parse_command("web=scripts/webhook --port '8001'")
    assert (program.name, program.argv) == ("web", ("scripts/webhook", "--port", "8001"))
    for bad in ("=cmd", "name=", "two words=cmd"):
        with pytest.raises(ValueError, match="^--command s'écrit NOM=COMMANDE, pas "):
            parse_command(bad)


def test_jobs_run_only_when_scripts_jobs_exists(tmp_path: Path) -> None:
    programs, notes = default_programs(tmp_path)
    assert [p.name for p in programs] == ["worker", "webhook"]
    assert notes == ["scripts/jobs est absent : pas de tâches de fond (rappels, SMS en attente)"]
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "jobs").write_text("#!/bin/sh\n")
    programs, notes = default_programs(tmp_path)
    assert [p.argv for p in programs] == [
        (str(tmp_path / "scripts" / "agent"), "start"),
        (str(tmp_path / "scripts" / "webhook"),),
        (str(tmp_path / "scripts" / "jobs"),),
    ]
    assert notes == []


def test_the_checkouts_own_programs_are_the_projects_scripts() -> None:
    programs, _ = default_programs()
    for program in programs:
        assert Path(program.argv[0]).is_file() and os.access(program.argv[0], os.X_OK)


class FakeListener:
    def __init__(self, url: str) -> None:
        self._url = url
        self.closed = False

    def url(self) -> str:
        return self._url

    async def close(self) -> None:
        self.closed = True


async def test_open_ngrok_forwards_the_webhook_port_with_the_token_and_domain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    listener = FakeListener("https://salon.ngrok.app")

    def forward(addr: Any, **options: Any) -> FakeListener:
        calls.append((addr, options))
        return listener

    monkeypatch.setenv("NGROK_AUTHTOKEN", "tok_123")
    monkeypatch.setenv("NGROK_DOMAIN", "salon.ngrok.app")
    tunnel = await open_ngrok(8000, forward=forward)
    assert tunnel.url == "https://salon.ngrok.app"
    assert calls == [("localhost:8000", {"authtoken": "tok_123", "domain": "salon.ngrok.app"})]
    await tunnel.close()
    assert listener.closed


async def test_open_ngrok_refuses_a_url_that_is_not_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NGROK_AUTHTOKEN", "tok_123")
    with pytest.raises(RuntimeError, match="not https"):
        await open_ngrok(8000, forward=lambda addr, **o: FakeListener("tcp://0.tcp.ngrok.io:1"))


def test_the_ngrok_sdk_is_installed_with_the_forward_call_serve_uses() -> None:
    import ngrok

    assert callable(ngrok.forward)
