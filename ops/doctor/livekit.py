"""LiveKit: the credentials work (a room list); with `TELEPHONY_TRANSPORT=sip` the inbound
trunk and the callee dispatch rule exist as `scripts/setup-livekit-sip` creates them.

Read-only: nothing is created here (that is `scripts/setup-livekit-sip`'s job), and
`LIVEKIT_SIP_HOST` is never resolved (it may not resolve from where the doctor runs).
"""

from __future__ import annotations

import asyncio

from livekit import api

from ops.doctor.base import CheckResult, Context, get, ok, problem, unconfigured
from salon.french import decimal_words
from webhook.sip_setup import TRUNK_NAME

NAME = "LiveKit"
SETTINGS = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
SETUP = "lancez scripts/setup-livekit-sip"


async def _sip_problems(lkapi: api.LiveKitAPI, timeout: float) -> list[str]:
    problems = []
    if not get("LIVEKIT_SIP_HOST"):
        problems.append(
            "TELEPHONY_TRANSPORT=sip demande LIVEKIT_SIP_HOST : l'hôte de l'URI SIP de votre "
            "projet LiveKit (LiveKit Cloud > Settings > SIP URI)"
        )
    username = get("LIVEKIT_SIP_USERNAME")
    if not username or not get("LIVEKIT_SIP_PASSWORD"):
        problems.append(
            "TELEPHONY_TRANSPORT=sip demande LIVEKIT_SIP_USERNAME et LIVEKIT_SIP_PASSWORD "
            "(l'identifiant et le mot de passe du trunk, que Twilio présente)"
        )
    trunks = await asyncio.wait_for(
        lkapi.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest()), timeout
    )
    trunk = next((t for t in trunks.items if t.name == TRUNK_NAME), None)
    if trunk is None:
        problems.append(f"aucun trunk entrant LiveKit nommé {TRUNK_NAME} : {SETUP}")
        return problems
    if username and trunk.auth_username != username:
        problems.append(
            f"le trunk entrant {trunk.sip_trunk_id} attend un autre identifiant que "
            f"LIVEKIT_SIP_USERNAME : {SETUP} pour le mettre à jour"
        )
    rules = await asyncio.wait_for(
        lkapi.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest()), timeout
    )
    on_trunk = [r for r in rules.items if not r.trunk_ids or trunk.sip_trunk_id in r.trunk_ids]
    callee = [r for r in on_trunk if r.rule.HasField("dispatch_rule_callee")]
    if not callee:
        problems.append(
            f"aucune règle de dispatch « callee » sur le trunk {trunk.sip_trunk_id} : {SETUP}"
        )
    for other in on_trunk:
        if not other.rule.HasField("dispatch_rule_callee"):
            problems.append(
                f"la règle de dispatch {other.sip_dispatch_rule_id} "
                f"({other.name or 'sans nom'}) s'applique aussi au trunk : supprimez-la pour "
                "que chaque appel rejoigne la salle de son CallSid"
            )
    return problems


async def run(ctx: Context) -> list[CheckResult]:
    gap = unconfigured(
        NAME,
        SETTINGS,
        unset="LIVEKIT_URL, LIVEKIT_API_KEY et LIVEKIT_API_SECRET ne sont pas réglés",
    )
    if gap is not None:
        return [gap]
    url = get("LIVEKIT_URL") or ""
    if not url.startswith(("wss://", "ws://", "https://", "http://")):
        return [problem(NAME, f"LIVEKIT_URL doit commencer par wss:// (il vaut {url!r})")]
    transport = (get("TELEPHONY_TRANSPORT", "sip") or "sip").lower()
    lkapi = api.LiveKitAPI(url, get("LIVEKIT_API_KEY"), get("LIVEKIT_API_SECRET"), failover=False)
    try:
        rooms = await asyncio.wait_for(lkapi.room.list_rooms(api.ListRoomsRequest()), ctx.timeout)
        problems = await _sip_problems(lkapi, ctx.timeout) if transport == "sip" else []
    except api.TwirpError as exc:
        if exc.status in (401, 403) or exc.code in ("unauthenticated", "permission_denied"):
            return [
                problem(
                    NAME,
                    f"LiveKit refuse LIVEKIT_API_KEY/LIVEKIT_API_SECRET ({exc.code}) : "
                    "recopiez les deux depuis Settings > Keys du projet",
                )
            ]
        return [
            problem(NAME, f"LiveKit ({url}) a répondu par une erreur : {exc.code} {exc.message}")
        ]
    except TimeoutError:
        return [
            problem(
                NAME,
                f"LiveKit ({url}, LIVEKIT_URL) n'a pas répondu en {decimal_words(ctx.timeout)} s",
            )
        ]
    except Exception as exc:  # aiohttp connection errors of every kind
        return [
            problem(NAME, f"impossible de joindre LIVEKIT_URL {url} : {type(exc).__name__} {exc}")
        ]
    finally:
        await lkapi.aclose()
    if problems:
        return [problem(NAME, *problems)]
    sip = (
        " (trunk SIP et règle « callee » en place)" if transport == "sip" else " (transport stream)"
    )
    count = len(rooms.rooms)
    active = f"{count} salle{'s' if count > 1 else ''} active{'s' if count > 1 else ''}"
    return [ok(NAME, f"identifiants valides, {active}{sip}")]
