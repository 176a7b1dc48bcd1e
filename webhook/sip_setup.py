"""One-time, idempotent LiveKit SIP setup: `scripts/setup-livekit-sip`.

The design needs exactly two LiveKit objects, whatever the number of calls:

- one inbound trunk with digest auth (`LIVEKIT_SIP_USERNAME` / `LIVEKIT_SIP_PASSWORD`) and
  no number filter: Twilio's `<Dial><Sip>` presents those credentials and calls
  `sip:{CallSid}@{LIVEKIT_SIP_HOST}`;
- one `dispatchRuleCallee` rule on that trunk with an empty prefix: the SIP leg joins the
  room named after the SIP user part, i.e. the CallSid room the webhook dispatched the
  agent to. The rule dispatches no agent itself (the webhook does, with the metadata).

Run it twice: the second run finds both and creates nothing. Exit codes: 0 done, 1 LiveKit
refused or did not answer, 2 a setting is missing. The owner runs it (README's going-live
steps): help, results, warnings and errors are French; `--json` keeps the English actions
(created, found, updated) for programs.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable
from dataclasses import asdict, dataclass, field
from typing import TypeVar

from livekit import api

from salon import settings
from salon.cli import french_parser

TRUNK_NAME = "salon-receptionist-inbound"
RULE_NAME = "salon-receptionist-callee"
CALL_TIMEOUT = 10.0  # seconds per LiveKit call (the client's own timeout has no effect)
# the actions as the owner reads them: the trunk (masculine), the rule (feminine)
TRUNK_ACTION_FR = {"created": "créé", "found": "déjà en place", "updated": "mis à jour"}
RULE_ACTION_FR = {"created": "créée", "found": "déjà en place"}

T = TypeVar("T")


@dataclass
class SipSetup:
    trunk_id: str
    trunk_action: str  # created | found | updated
    rule_id: str
    rule_action: str  # created | found
    warnings: list[str] = field(default_factory=list)


async def _bounded(call: Awaitable[T]) -> T:
    return await asyncio.wait_for(call, timeout=CALL_TIMEOUT)


async def ensure_sip_setup(
    lkapi: api.LiveKitAPI,
    *,
    username: str,
    password: str,
    trunk_name: str = TRUNK_NAME,
    rule_name: str = RULE_NAME,
) -> SipSetup:
    """Find or create the inbound trunk and its single callee dispatch rule."""
    warnings: list[str] = []
    listed = await _bounded(lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest()))
    trunk = next((t for t in listed.items if t.name == trunk_name), None)
    if trunk is None:
        trunk = await _bounded(
            lkapi.sip.create_inbound_trunk(
                api.CreateSIPInboundTrunkRequest(
                    trunk=api.SIPInboundTrunkInfo(
                        name=trunk_name, auth_username=username, auth_password=password
                    )
                )
            )
        )
        trunk_action = "created"
    elif trunk.auth_username != username or (
        trunk.auth_password and trunk.auth_password != password
    ):
        trunk = await _bounded(
            lkapi.sip.update_inbound_trunk_fields(
                trunk.sip_trunk_id, auth_username=username, auth_password=password
            )
        )
        trunk_action = "updated"
    else:
        trunk_action = "found"

    trunk_id = trunk.sip_trunk_id
    rules = await _bounded(lkapi.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest()))
    on_trunk = [r for r in rules.items if not r.trunk_ids or trunk_id in r.trunk_ids]
    rule = next((r for r in on_trunk if r.rule.HasField("dispatch_rule_callee")), None)
    for other in on_trunk:
        if other is not rule and not other.rule.HasField("dispatch_rule_callee"):
            warnings.append(
                f"la règle d'aiguillage {other.sip_dispatch_rule_id} "
                f"({other.name or 'sans nom'}) s'applique aussi à ce trunk : supprimez-la "
                "dans LiveKit pour que les appels rejoignent la salle de leur CallSid"
            )
    if rule is None:
        rule = await _bounded(
            lkapi.sip.create_dispatch_rule(
                api.CreateSIPDispatchRuleRequest(
                    rule=api.SIPDispatchRule(
                        dispatch_rule_callee=api.SIPDispatchRuleCallee(
                            room_prefix="", randomize=False
                        )
                    ),
                    trunk_ids=[trunk_id],
                    name=rule_name,
                )
            )
        )
        rule_action = "created"
    else:
        rule_action = "found"
    return SipSetup(
        trunk_id=trunk_id,
        trunk_action=trunk_action,
        rule_id=rule.sip_dispatch_rule_id,
        rule_action=rule_action,
        warnings=warnings,
    )


def twilio_instructions(*, public_base_url: str | None, sip_host: str | None) -> list[str]:
    """What to set in the Twilio console, in French; Twilio's own labels stay as the
    console shows them (A call comes in, Call status changes, A message comes in): the
    calls' two URLs and the one of texts (answers to reminders, « ANNULER », « OUI »)."""
    base = public_base_url.rstrip("/") if public_base_url else "https://<votre adresse publique>"
    lines = [
        "Console Twilio > Phone Numbers > votre numéro > Voice Configuration :",
        f"  A call comes in :      Webhook  {base}/voice  (HTTP POST)",
        f"  Call status changes :  {base}/status  (HTTP POST)",
        "Console Twilio > Phone Numbers > votre numéro > Messaging Configuration :",
        f"  A message comes in :   Webhook  {base}/sms  (HTTP POST)",
        "Ou lancez scripts/doctor --fix, qui règle les trois (avec TWILIO_ACCOUNT_SID, "
        "TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER et PUBLIC_BASE_URL dans .env)",
    ]
    if sip_host:
        lines.append(f"Le webhook relie les appels à sip:<CallSid>@{sip_host};transport=tcp")
    else:
        lines.append(
            "Indiquez LIVEKIT_SIP_HOST dans .env : l'hôte de l'URI SIP de votre projet "
            "LiveKit (LiveKit Cloud > Settings > SIP URI, par exemple "
            "abc123xyz.sip.livekit.cloud)"
        )
    return lines


async def _run(*, url: str, key: str, secret: str, username: str, password: str) -> SipSetup:
    lkapi = api.LiveKitAPI(url, key, secret, failover=False)
    try:
        return await ensure_sip_setup(lkapi, username=username, password=password)
    finally:
        await lkapi.aclose()


ERROR = "setup-livekit-sip : erreur : "


def refusal_fr(exc: api.TwirpError) -> str:
    """LiveKit's refusal, in French, naming the settings to check."""
    if exc.code in ("unauthenticated", "permission_denied"):
        return (
            "LiveKit refuse la clé : vérifiez LIVEKIT_API_KEY et LIVEKIT_API_SECRET dans .env "
            f"({exc.code})"
        )
    return f"LiveKit a refusé la demande ({exc.code} : {exc.message})"


def main(argv: list[str] | None = None) -> int:
    parser = french_parser(
        prog="scripts/setup-livekit-sip",
        description="Crée (ou retrouve) dans LiveKit le trunk SIP entrant et sa règle "
        "d'aiguillage, puis affiche ce qu'il faut régler dans la console Twilio. Sans risque "
        "à relancer.",
        epilog="exemple : scripts/setup-livekit-sip   (lit les réglages LIVEKIT_* dans .env)",
    )
    parser.add_argument(
        "--json", action="store_true", help="afficher le résultat en JSON (pour un programme)"
    )
    args = parser.parse_args(argv)
    try:
        url = settings.require("LIVEKIT_URL", "l'adresse de votre projet LiveKit")
        key = settings.require("LIVEKIT_API_KEY")
        secret = settings.require("LIVEKIT_API_SECRET")
        username = settings.require("LIVEKIT_SIP_USERNAME", "l'identifiant du trunk SIP")
        password = settings.require("LIVEKIT_SIP_PASSWORD", "le mot de passe du trunk SIP")
    except settings.MissingSetting as exc:
        print(f"{ERROR}{exc}", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(
            _run(url=url, key=key, secret=secret, username=username, password=password)
        )
    except TimeoutError:
        print(f"{ERROR}LiveKit ne répond pas à {url} (LIVEKIT_URL)", file=sys.stderr)
        return 1
    except api.TwirpError as exc:
        print(f"{ERROR}{refusal_fr(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # network errors of any kind: one clear line
        print(
            f"{ERROR}LiveKit injoignable à {url} : vérifiez LIVEKIT_URL ({exc})",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps(asdict(result)))
        return 0
    trunk_action = TRUNK_ACTION_FR.get(result.trunk_action, result.trunk_action)
    rule_action = RULE_ACTION_FR.get(result.rule_action, result.rule_action)
    print(f"trunk SIP entrant     {TRUNK_NAME:<36} {result.trunk_id:<20} {trunk_action}")
    rule_label = f"{RULE_NAME} (callee)"
    print(f"règle d'aiguillage    {rule_label:<36} {result.rule_id:<20} {rule_action}")
    for warning in result.warnings:
        print(f"attention : {warning}")
    print()
    for line in twilio_instructions(
        public_base_url=settings.get("PUBLIC_BASE_URL"), sip_host=settings.get("LIVEKIT_SIP_HOST")
    ):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
