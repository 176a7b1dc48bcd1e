"""Twilio: the credentials, the salon's number and its webhooks, the SMS sender for France.

Three results: `Twilio` (a FetchAccount call), `Twilio number` (the number is in the
account; its voice URL is `PUBLIC_BASE_URL/voice`, its status callback `/status`, its
messaging URL `/sms`, all POST; `--fix` sets exactly those six fields on that one number)
and `SMS sender` (an alphanumeric ID of at most 11 characters, a number of the account, or
a Messaging Service).

The salon's number is `TWILIO_PHONE_NUMBER` (the name the original project's `.env` used),
else `TWILIO_SMS_FROM` when that is a phone number.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from notify.phone import InvalidPhone, normalise
from notify.twilio_messages import close_twilio_client, make_twilio_client
from ops.doctor.base import CheckResult, Context, get, ok, problem, skipped, unconfigured
from salon.phone import display
from salon.profile import load_profile

ACCOUNT, NUMBER, SENDER = "Twilio", "Twilio number", "SMS sender"
SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
ALPHANUMERIC = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
MESSAGING_SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")
FIX_HINT = "lancez scripts/doctor --fix"
NUMBER_FIELDS = (
    "sid",
    "phone_number",
    "capabilities",
    "voice_url",
    "voice_method",
    "status_callback",
    "status_callback_method",
    "sms_url",
    "sms_method",
    "voice_application_sid",
    "trunk_sid",
    "sms_application_sid",
)
# label, resource URL key, resource method key, webhook path, update URL field, method field
WEBHOOKS = (
    ("voice URL", "voice_url", "voice_method", "/voice", "voice_url", "voice_method"),
    (
        "status callback",
        "status_callback",
        "status_callback_method",
        "/status",
        "status_callback",
        "status_callback_method",
    ),
    ("SMS URL", "sms_url", "sms_method", "/sms", "sms_url", "sms_method"),
)
# the owner's words for each webhook (the English label is Twilio's, and `fixed`'s key)
LABEL_FR = {
    "voice URL": "l'adresse des appels",
    "status callback": "l'adresse de suivi des appels",
    "SMS URL": "l'adresse des SMS",
}


def international(e164: str) -> str:
    """`+33 4 78 42 18 90`: how the number is written for someone about to dial it."""
    return display(e164, international=True)


def salon_number() -> tuple[str | None, str]:
    """(raw value, setting name) of the salon's Twilio number; (None, …) when unset."""
    raw = get("TWILIO_PHONE_NUMBER")
    if raw:
        return raw, "TWILIO_PHONE_NUMBER"
    sender = get("TWILIO_SMS_FROM")
    if sender and not ALPHANUMERIC.match(sender):
        return sender, "TWILIO_SMS_FROM"
    return None, "TWILIO_PHONE_NUMBER"


async def _find(client: Client, account_sid: str, e164: str) -> dict[str, Any] | None:
    numbers = await client.api.v2010.accounts(account_sid).incoming_phone_numbers.list_async(
        phone_number=e164, limit=20
    )
    found = next((n for n in numbers if n.phone_number == e164), None)
    return None if found is None else _fields(found)


def _fields(number: Any) -> dict[str, Any]:
    """The IncomingPhoneNumber attributes the checks read, as a dict."""
    return {name: getattr(number, name, None) for name in NUMBER_FIELDS}


def _webhook_problems(number: dict[str, Any], base: str) -> tuple[dict[str, str], list[str]]:
    """(fixable problems by webhook label, problems --fix leaves alone) of the number's
    webhooks."""
    fixable: dict[str, str] = {}
    manual: list[str] = []
    shown = international(number["phone_number"])
    for label, url_key, method_key, path, _, _ in WEBHOOKS:
        want, have = base + path, number.get(url_key) or ""
        method = (number.get(method_key) or "POST").upper()
        if have != want or method != "POST":
            now = f"{have or 'vide'}{'' if method == 'POST' else f' ({method})'}"
            fixable[label] = (
                f"{LABEL_FR[label]} ({label}) de {shown} est {now}, au lieu de {want} (POST) : "
                f"{FIX_HINT}"
            )
    overrides = (  # setting, where calls go instead, the webhook it hides, its pronoun
        ("voice_application_sid", "les appels vont à l'application TwiML", "voice URL", "la"),
        ("trunk_sid", "les appels vont au trunk SIP", "voice URL", "le"),
        ("sms_application_sid", "les SMS vont à l'application TwiML", "SMS URL", "la"),
    )
    for key, what, hidden, it in overrides:
        if number.get(key):
            manual.append(
                f"{what} {number[key]} sur {shown}, qui remplace {LABEL_FR[hidden]} : "
                f"retirez-{it} dans la console Twilio (Phone Numbers > le numéro)"
            )
    return fixable, manual


async def check_number(
    client: Client, *, account_sid: str, base: str | None, fix: bool
) -> CheckResult:
    """The `Twilio number` result; with `fix`, points the number's webhooks at `base`."""
    raw, setting = salon_number()
    if raw is None:
        return skipped(
            NUMBER,
            "TWILIO_PHONE_NUMBER n'est pas réglé : les webhooks du numéro ne sont pas vérifiés",
        )
    try:
        e164 = normalise(raw)
    except InvalidPhone:
        return problem(
            NUMBER, f"{setting} {raw!r} n'est pas un numéro de téléphone valable (écrivez +33…)"
        )
    number = await _find(client, account_sid, e164)
    shown = international(e164)
    if number is None:
        return problem(
            NUMBER,
            f"{setting} {shown} n'est pas un numéro du compte Twilio …{account_sid[-4:]} : "
            "vérifiez le numéro ou TWILIO_ACCOUNT_SID",
        )
    if not base:
        return problem(
            NUMBER,
            "PUBLIC_BASE_URL n'est pas réglé, Twilio ne peut donc pas être dirigé vers le "
            "webhook : réglez-le sur l'adresse https publique (ou lancez scripts/serve --ngrok)",
        )
    fixable, manual = _webhook_problems(number, base)
    fixed: list[str] = []
    if fix and fixable:
        changes: dict[str, str] = {}
        for label, _, _, path, url_field, method_field in WEBHOOKS:
            changes[url_field] = base + path
            changes[method_field] = "POST"
            if label in fixable:
                fixed.append(label)
        resource = client.api.v2010.accounts(account_sid).incoming_phone_numbers(number["sid"])
        updated = await resource.update_async(**changes)
        fixable, manual = _webhook_problems(_fields(updated), base)
    if fixable or manual:
        return problem(NUMBER, *fixable.values(), *manual, fixed=fixed)
    done = f" (corrigé : {', '.join(LABEL_FR[f] for f in fixed)})" if fixed else ""
    return ok(
        NUMBER, f"{shown} est relié à {base} (/voice, /status, /sms, POST){done}", fixed=fixed
    )


async def _check_sender(client: Client, account_sid: str) -> CheckResult:
    service = get("TWILIO_MESSAGING_SERVICE_SID")
    if service:
        if not MESSAGING_SERVICE.match(service):
            return problem(
                SENDER, f"TWILIO_MESSAGING_SERVICE_SID {service!r} n'est pas un identifiant MG…"
            )
        return ok(SENDER, f"le Messaging Service {service[:6]}… choisit l'expéditeur")
    sender, source = get("TWILIO_SMS_FROM"), "TWILIO_SMS_FROM"
    if not sender:
        try:
            sender, source = load_profile().sms_sender, "sms_sender de salon.toml"
        except Exception:
            sender = None
    if not sender:
        return problem(
            SENDER,
            "aucun expéditeur SMS : réglez TWILIO_SMS_FROM (un nom d'expéditeur de 11 lettres "
            "et chiffres au plus) ou sms_sender dans salon.toml",
        )
    if ALPHANUMERIC.match(sender):
        return ok(
            SENDER,
            f"nom d'expéditeur {sender!r} ({source}) : en France, les clients ne peuvent pas "
            "répondre à ces SMS",
        )
    if re.fullmatch(r"[A-Za-z0-9 ]+", sender) and not sender.replace(" ", "").isdigit():
        return problem(
            SENDER,
            f"{source} {sender!r} fait {len(sender)} caractères : un nom d'expéditeur en a 11 "
            "au plus (lettres, chiffres, espaces)",
        )
    try:
        e164 = normalise(sender)
    except InvalidPhone:
        return problem(
            SENDER,
            f"{source} {sender!r} n'est ni un nom d'expéditeur (11 lettres, chiffres ou "
            "espaces au plus) ni un numéro de téléphone",
        )
    number = await _find(client, account_sid, e164)
    if number is None:
        return problem(
            SENDER,
            f"{source} {international(e164)} n'est pas un numéro de ce compte Twilio : "
            "prenez l'un de ses numéros ou un nom d'expéditeur",
        )
    if not (number.get("capabilities") or {}).get("sms", False):
        return problem(
            SENDER,
            f"{source} {international(e164)} ne peut pas envoyer de SMS (numéro sans SMS)",
        )
    return ok(
        SENDER,
        f"{international(e164)} est un numéro SMS du compte (les clients peuvent répondre)",
    )


def _refusal(exc: TwilioRestException) -> str:
    if exc.status == 401:
        return (
            "Twilio refuse TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (20003) : recopiez les deux "
            "depuis la console Twilio"
        )
    return f"Twilio a répondu HTTP {exc.status} (code {exc.code}) : {exc.msg}"


# The webhook needs only the Auth Token (it checks each request's signature): calls are
# answered without the Account SID, which the REST calls need: every SMS, and on the
# stream route the transfers (on the SIP route the webhook's <Dial> action transfers).
def _sid_missing() -> str:
    stream = (get("TELEPHONY_TRANSPORT") or "sip").lower() == "stream"
    lost = (
        "ni les SMS (confirmations, rappels) ni les transferts vers le salon ne partent"
        if stream
        else "les SMS (confirmations, rappels) ne partent pas"
    )
    return (
        "TWILIO_ACCOUNT_SID n'est pas réglé : les appels sont bien reçus (TWILIO_AUTH_TOKEN "
        f"suffit au webhook), mais {lost} : recopiez l'Account SID (AC…) de la console "
        "Twilio dans TWILIO_ACCOUNT_SID"
    )


async def run(ctx: Context, *, base: str | None = None) -> list[CheckResult]:
    if get("TWILIO_AUTH_TOKEN") and not get("TWILIO_ACCOUNT_SID"):
        why = "TWILIO_ACCOUNT_SID n'est pas réglé"
        return [problem(ACCOUNT, _sid_missing()), skipped(NUMBER, why), skipped(SENDER, why)]
    gap = unconfigured(
        ACCOUNT, SETTINGS, unset="TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN ne sont pas réglés"
    )
    if gap is not None:
        skipped_all = gap.status == "skipped"
        why = gap.detail if skipped_all else "les identifiants Twilio sont incomplets"
        return [gap, skipped(NUMBER, why), skipped(SENDER, why)]
    account_sid = get("TWILIO_ACCOUNT_SID") or ""
    base = (base or get("PUBLIC_BASE_URL") or "").rstrip("/") or None
    client = make_twilio_client(timeout=ctx.timeout)
    try:
        try:
            account = await client.api.v2010.accounts(account_sid).fetch_async()
        except TwilioRestException as exc:
            why = "les identifiants Twilio ne marchent pas"
            return [problem(ACCOUNT, _refusal(exc)), skipped(NUMBER, why), skipped(SENDER, why)]
        if account.status != "active":
            first = problem(
                ACCOUNT, f"le compte Twilio n'est pas actif ({account.status}) : réactivez-le"
            )
        else:
            first = ok(
                ACCOUNT,
                f"identifiants valides (compte {account.type or 'Twilio'} …{account_sid[-4:]})",
            )
        results = [first]
        for check in (
            lambda: check_number(client, account_sid=account_sid, base=base, fix=ctx.fix),
            lambda: _check_sender(client, account_sid),
        ):
            try:
                results.append(await check())
            except TwilioRestException as exc:
                results.append(problem(NUMBER if len(results) == 1 else SENDER, _refusal(exc)))
        return results
    except (TwilioException, aiohttp.ClientError, TimeoutError, OSError) as exc:
        where = get("TWILIO_API_BASE_URL") or "api.twilio.com"
        reason = f"{type(exc).__name__} {exc}".strip()
        why = "Twilio ne répond pas"
        return [
            problem(ACCOUNT, f"impossible de joindre Twilio ({where}) : {reason}"),
            skipped(NUMBER, why),
            skipped(SENDER, why),
        ]
    finally:
        await close_twilio_client(client)


async def point_number(*, public_base_url: str, timeout: float) -> CheckResult:
    """`scripts/serve --ngrok`: the doctor's `--fix` of the number, for a new public URL."""
    results = await run(Context(fix=True, timeout=timeout), base=public_base_url)
    by_name = {r.name: r for r in results}
    if by_name.get(ACCOUNT) and by_name[ACCOUNT].status == "problem":
        return by_name[ACCOUNT]
    return by_name.get(NUMBER) or skipped(NUMBER, "Twilio n'est pas réglé")
