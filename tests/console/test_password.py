"""Unit tier: the owner's password hash, `scripts/owner-password`, and the settings that
turn the console on (with its own upload limit in the route table)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from webhook.config import WebhookSettings
from webhook.console.password import InvalidHash, PasswordHash, hash_password

ROOT = Path(__file__).resolve().parents[2]


def test_a_hash_is_self_describing_salted_and_checks_only_its_password() -> None:
    first, second = (
        hash_password("bonjour le salon", n=2**10),
        hash_password("bonjour le salon", n=2**10),
    )
    assert first != second  # a fresh salt each time
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1") and salt and key
    parsed = PasswordHash.parse(first)
    assert parsed.matches("bonjour le salon")
    assert not parsed.matches("bonjour le salon ")
    assert not parsed.matches("")


@pytest.mark.parametrize(
    "text",
    [
        "motdepasse",
        "scrypt$1024$8$1$abc",
        "scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",  # N not a power of two
        "scrypt$1073741824$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",  # N absurdly costly
        "scrypt$1024$8$1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    ],
)
def test_a_malformed_hash_is_refused_naming_the_setting(text: str) -> None:
    with pytest.raises(InvalidHash) as refused:
        PasswordHash.parse(text)
    assert str(refused.value) in (
        "le réglage OWNER_PASSWORD_HASH doit être la ligne scrypt$… affichée par "
        "scripts/owner-password, pas autre chose",
        "le réglage OWNER_PASSWORD_HASH doit être la ligne scrypt$… affichée par "
        "scripts/owner-password (argon2 n'est pas pris en charge ici), pas autre chose",
        "le réglage OWNER_PASSWORD_HASH est abîmé ou incomplet : relancez "
        "scripts/owner-password et recopiez toute la dernière ligne dans .env, entre apostrophes",
    )
    assert ("argon2" in str(refused.value)) == ("argon2" in text)
    with pytest.raises(ValueError, match="OWNER_PASSWORD_HASH"):
        WebhookSettings(twilio_auth_token="t", owner_password_hash=text)


def test_the_console_gets_its_own_upload_limit_only_when_it_is_on() -> None:
    off = WebhookSettings(twilio_auth_token="t")
    assert off.route_limits.for_path("/admin/documents/envoyer").max_bytes == 64 * 1024
    on = WebhookSettings(
        twilio_auth_token="t", owner_password_hash=hash_password("x" * 12, n=2**10),
        console_max_upload_mb=5,
    )  # fmt: skip
    upload = on.route_limits.for_path("/admin/documents/envoyer")
    assert 5 * 1024 * 1024 < upload.max_bytes <= 6 * 1024 * 1024
    assert on.route_limits.for_path("/voice").max_bytes == 64 * 1024  # Twilio keeps its small one
    with pytest.raises(ValueError, match="CONSOLE_MAX_UPLOAD_MB"):
        WebhookSettings(twilio_auth_token="t", console_max_upload_mb=0)


def test_the_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hashed = hash_password("x" * 12, n=2**10)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.setenv("OWNER_PASSWORD_HASH", hashed)
    monkeypatch.setenv("CONSOLE_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("KB_DB", str(tmp_path / "kb"))
    cfg = WebhookSettings.from_env()
    assert cfg.console_enabled and cfg.owner_password_hash == hashed
    assert cfg.console_max_upload_mb == 7 and cfg.console_secret_key == "k" * 40
    assert cfg.kb_db == tmp_path / "kb"
    monkeypatch.setenv("CONSOLE_MAX_UPLOAD_MB", "beaucoup")
    with pytest.raises(ValueError, match="CONSOLE_MAX_UPLOAD_MB"):
        WebhookSettings.from_env()


def _owner_password(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "owner-password")],
        input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT,
        env=dict(os.environ, BOOTSTRAP_QUIET="1"),
    )  # fmt: skip


def test_owner_password_prints_the_hash_alone_on_the_last_line() -> None:
    done = _owner_password("le salon de margaux\n")
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last == done.stdout.strip()  # nothing else on standard output
    assert PasswordHash.parse(last).matches("le salon de margaux")
    assert "OWNER_PASSWORD_HASH" in done.stderr  # the advice goes to standard error


def test_owner_password_refuses_a_short_password_in_french() -> None:
    done = _owner_password("court\n")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("scripts/owner-password : erreur : ")
    assert "au moins 10 caractères" in done.stderr
