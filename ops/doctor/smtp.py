"""SMTP: connect, STARTTLS when asked, log in, quit. Nothing is sent."""

from __future__ import annotations

import asyncio
import smtplib
import ssl

from notify.email_smtp import SmtpOptions
from ops.doctor.base import CheckResult, Context, get, ok, problem, skipped
from salon.profile import load_profile

NAME = "SMTP"


def _sender_fallback() -> str | None:
    try:
        return load_profile().email or None
    except Exception:  # the profile is checked elsewhere; no fallback then
        return None


def _login(options: SmtpOptions, timeout: float) -> str:
    """One SMTP session; returns what was verified or raises `ValueError` with a sentence."""
    where = f"{options.host}:{options.port}"
    try:
        with smtplib.SMTP(options.host or "", options.port, timeout=timeout) as smtp:
            smtp.ehlo()
            if options.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if options.username and options.password:
                smtp.login(options.username, options.password)
                done = f"connexion à {where} réussie avec l'identifiant {options.username}"
            else:
                smtp.noop()
                done = f"{where} répond (pas de SMTP_USERNAME : aucune connexion essayée)"
            return done + (" avec STARTTLS" if options.starttls else "")
    except smtplib.SMTPAuthenticationError as exc:
        raise ValueError(
            f"le serveur SMTP {where} refuse SMTP_USERNAME/SMTP_PASSWORD ({exc.smtp_code}) : "
            "vérifiez l'identifiant (un mot de passe d'application pour Gmail ou Outlook)"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ValueError(
            f"{where} ne propose pas STARTTLS ou AUTH : ne mettez SMTP_STARTTLS=false que pour "
            "un relais local, sinon prenez le port 587 de votre fournisseur"
        ) from exc
    except ssl.SSLError as exc:
        raise ValueError(
            f"STARTTLS avec {where} a échoué ({exc.reason}) : vérifiez SMTP_PORT"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ValueError(
            f"impossible de joindre SMTP_HOST {where} : {type(exc).__name__} {exc}".strip()
        ) from exc


async def run(ctx: Context) -> list[CheckResult]:
    if not get("SMTP_HOST"):
        return [skipped(NAME, "SMTP_HOST n'est pas réglé (les e-mails restent en attente d'envoi)")]
    try:
        options = SmtpOptions.from_settings(sender_fallback=_sender_fallback())
    except ValueError as exc:
        return [problem(NAME, str(exc))]
    problems = []
    if bool(options.username) != bool(options.password):
        missing, present = (
            ("SMTP_PASSWORD", "SMTP_USERNAME")
            if options.username
            else ("SMTP_USERNAME", "SMTP_PASSWORD")
        )
        problems.append(f"{missing} n'est pas réglé alors que {present} l'est : réglez les deux")
    if not options.sender:
        problems.append("aucune adresse d'expéditeur : réglez SMTP_FROM (ou email dans salon.toml)")
    try:
        done = await asyncio.to_thread(_login, options, ctx.timeout)
    except ValueError as exc:
        problems.insert(0, str(exc))
    if problems:
        return [problem(NAME, *problems)]
    return [ok(NAME, done)]
