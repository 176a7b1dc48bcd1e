"""The owner's password: a self-describing scrypt hash, and `scripts/owner-password`.

    $ scripts/owner-password
    Mot de passe du salon (au moins 10 caractères) :
    Encore une fois :
    scrypt$32768$8$1$hV3k…$Q0x9…

The hash is `scrypt$N$r$p$salt$key` (salt and key in unpadded URL-safe base64), printed
alone on the last line of standard output; prompts and advice go to standard error, so
`OWNER_PASSWORD_HASH=$(scripts/owner-password < file)` works. The password comes from
standard input (one line; typed without echo when it is a terminal). Put the hash in
`.env` between single quotes (the `$` signs must stay as they are):

    OWNER_PASSWORD_HASH='scrypt$32768$8$1$…$…'

`hashlib.scrypt` is in the standard library; N=2^15, r=8 costs about 32 MiB and 0.1 s per
check, which with the console's login throttling makes guessing hopeless.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from dataclasses import dataclass

from salon.cli import french_parser

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1
KEY_BYTES = 32
SALT_BYTES = 16
MIN_LENGTH = 10
MAX_LENGTH = 1024
# the cost parameters a stored hash may ask for: enough for today's and stronger hashes,
# not enough for a hash edited to make every login take minutes or gigabytes
MAX_N = 2**20
MAX_MEMORY = 1024 * 1024 * 1024


class InvalidHash(ValueError):
    """`OWNER_PASSWORD_HASH` is not a hash `scripts/owner-password` makes; the message is
    French (the owner reads it when scripts/webhook or scripts/serve refuses to start)."""


UNUSABLE = (
    "le réglage OWNER_PASSWORD_HASH est abîmé ou incomplet : relancez scripts/owner-password "
    "et recopiez toute la dernière ligne dans .env, entre apostrophes"
)


@dataclass(frozen=True)
class PasswordHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    @classmethod
    def parse(cls, text: str) -> PasswordHash:
        """Read `scrypt$N$r$p$salt$key`; raises `InvalidHash` naming the setting."""
        parts = text.strip().split("$")
        if len(parts) != 6 or parts[0] != SCHEME:
            hint = " (argon2 n'est pas pris en charge ici)" if "argon2" in text else ""
            raise InvalidHash(
                "le réglage OWNER_PASSWORD_HASH doit être la ligne scrypt$… affichée par "
                f"scripts/owner-password{hint}, pas autre chose"
            )
        try:
            n, r, p = (int(x) for x in parts[1:4])
            salt, key = _unb64(parts[4]), _unb64(parts[5])
        except ValueError as exc:
            raise InvalidHash(UNUSABLE) from exc
        if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= 32 or not 1 <= p <= 16:
            raise InvalidHash(UNUSABLE)
        if 128 * n * r * p > MAX_MEMORY or len(salt) < 8 or len(key) < 16:
            raise InvalidHash(UNUSABLE)
        return cls(n=n, r=r, p=p, salt=salt, key=key)

    def text(self) -> str:
        return "$".join(
            (SCHEME, str(self.n), str(self.r), str(self.p), _b64(self.salt), _b64(self.key))
        )

    def matches(self, password: str) -> bool:
        """Whether `password` gives this key (constant-time comparison)."""
        if len(password) > MAX_LENGTH:
            return False
        key = _derive(password, self.salt, n=self.n, r=self.r, p=self.p, size=len(self.key))
        return hmac.compare_digest(key, self.key)


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """The stored form of `password` (a fresh random salt each time)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, n=n, r=r, p=p, size=KEY_BYTES)
    return PasswordHash(n=n, r=r, p=p, salt=salt, key=key).text()


def _derive(password: str, salt: bytes, *, n: int, r: int, p: int, size: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=128 * n * r * p + 1024 * 1024,
        dklen=size,
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    if not text or any(c not in _B64_CHARS for c in text):
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _read_password() -> str:
    """One password from standard input: typed twice without echo on a terminal, else
    the first line."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"Mot de passe du salon (au moins {MIN_LENGTH} caractères) : ")
        again = getpass.getpass("Encore une fois : ")
        if first != again:
            raise ValueError("les deux saisies sont différentes")
        return first
    print("Lecture du mot de passe sur l'entrée standard…", file=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


PROG = "scripts/owner-password"


def main(argv: list[str] | None = None) -> int:
    french_parser(
        prog=PROG,
        description="Affiche la ligne OWNER_PASSWORD_HASH qui ouvre la console du salon "
        "(/admin/).\nLe mot de passe est lu sur l'entrée standard (tapé deux fois, sans "
        "affichage,\ndans un terminal).",
        epilog="exemple : scripts/owner-password, puis dans .env :\n"
        "          OWNER_PASSWORD_HASH='scrypt$…'  (la dernière ligne affichée)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args(argv)  # -h, or exit 2 on any argument
    try:
        password = _read_password()
    except (ValueError, EOFError, KeyboardInterrupt) as exc:
        print(f"{PROG} : erreur : {str(exc) or 'saisie interrompue'}", file=sys.stderr)
        return 1
    if len(password) < MIN_LENGTH:
        print(
            f"{PROG} : erreur : le mot de passe doit faire au moins {MIN_LENGTH} caractères",
            file=sys.stderr,
        )
        return 1
    if len(password) > MAX_LENGTH:
        print(f"{PROG} : erreur : mot de passe trop long", file=sys.stderr)
        return 1
    print(
        "Ajoutez cette ligne à .env (entre apostrophes), puis redémarrez scripts/webhook :\n"
        "  OWNER_PASSWORD_HASH='<la ligne ci-dessous>'",
        file=sys.stderr,
    )
    print(hash_password(password), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
