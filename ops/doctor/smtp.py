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
                done = f"logged in to {where} as {options.username}"
            else:
                smtp.noop()
                done = f"{where} answers (no SMTP_USERNAME: no login tried)"
            return done + (" with STARTTLS" if options.starttls else "")
    except smtplib.SMTPAuthenticationError as exc:
        raise ValueError(
            f"the SMTP server {where} refused SMTP_USERNAME/SMTP_PASSWORD ({exc.smtp_code}): "
            "check the login (an app password for Gmail or Outlook)"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ValueError(
            f"{where} does not offer STARTTLS or AUTH: set SMTP_STARTTLS=false only for a "
            "local relay, or use the provider's submission port 587"
        ) from exc
    except ssl.SSLError as exc:
        raise ValueError(f"STARTTLS with {where} failed ({exc.reason}): check SMTP_PORT") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ValueError(
            f"cannot talk to SMTP_HOST {where}: {type(exc).__name__} {exc}".strip()
        ) from exc


async def run(ctx: Context) -> list[CheckResult]:
    if not get("SMTP_HOST"):
        return [skipped(NAME, "SMTP_HOST is not set (e-mails stay in the outbox)")]
    try:
        options = SmtpOptions.from_settings(sender_fallback=_sender_fallback())
    except ValueError as exc:
        return [problem(NAME, str(exc))]
    problems = []
    if bool(options.username) != bool(options.password):
        missing = "SMTP_PASSWORD" if options.username else "SMTP_USERNAME"
        problems.append(f"{missing} is not set while the other half of the login is")
    if not options.sender:
        problems.append("no sender address: set SMTP_FROM (or salon.toml's email)")
    try:
        done = await asyncio.to_thread(_login, options, ctx.timeout)
    except ValueError as exc:
        problems.insert(0, str(exc))
    if problems:
        return [problem(NAME, *problems)]
    return [ok(NAME, done)]
