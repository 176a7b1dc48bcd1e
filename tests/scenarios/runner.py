"""Runs a YAML call scenario on the real turn path and checks the final state.

A scenario gives the caller's persona and number, the initial calendar, the caller's
lines with the scripted model's steps for each turn, and the expected final calendar,
outbox and call record. It runs against the embedded calendar and/or the Cal.com stub.
Placeholders `{day+N}` become the ISO date of the first day at least N days ahead on which
the salon keeps its usual hours (no closure, public holiday or special hours) and no stylist
is away (`tests.fixtures.days.usual_day`), and which nothing the agent is told at the start
of the call names (its instructions' upcoming changes, the greeting's « Nous rouvrons le
mardi 24 août »), so a scenario keeping that day secret does not fail in the weeks before
Christmas or around the summer closure; `{words+N}` the same day in words ("jeudi 10
décembre");
`{last_code}` in a turn's steps, the last verification code sent by SMS at that turn.
`tool_outputs_exclude` lists what no tool output may hold, `llm_never_sees` what nothing
the model is given may hold (instructions, every message, every tool output).
`setup: calendar_delay: S` makes every calendar operation (embedded) or every Cal.com
request (stub) take S seconds; `expect: fillers` lists the lines the caller heard while
the calendar was answering (`agent.filler`), in order; a turn's `replies` lists exactly
what the agent said during that turn.

Stylists and visits (issue 12):
- `{tuesday+N}` (any English weekday) is the ISO date of that weekday in one week, the
  same for every weekday placeholder of the scenario: the first week (Monday to Sunday) in
  which each placeholder's day is at least its N days ahead and every day the salon
  usually opens keeps its usual hours with nobody of the team away. So a scenario about
  Chloé's Thursdays does not depend on today's weekday, and `{thursday+1}` stays the day
  before `{friday+2}` (an absence from `{tuesday+7}` to `{wednesday+8}` ends before
  `{friday+10}`) even when a public holiday or special hours fall near (Ascension, 11
  November, 14 July, Christmas); `{words:tuesday+N}` the same day in words; `{month-N}`
  the French month N days ago.
- `setup: absences: {chloe: [{start, end, reason}]}` replaces that member's absences in
  this scenario's profile (the calendar, the agent and the Cal.com stub all see it);
  `scenario_profile` gives that profile.
- `setup: bookings` entries may name a `stylist` (booked as asked for her) and `also`
  (the other services of the visit).
- `setup: past_bookings: [{service, also, name, phone, days_ago, time, stylist}]` are
  written where the back-end keeps a number's history: the embedded calendar's
  `local_bookings`, or the Cal.com stub plus the agent's `calcom_links` rows.
- Expected `bookings` compare only what is still to come (past bookings are history),
  as visits: `service` (the first), and when given `also` and `stylist`;
  `bookings_by_qualified_stylist: true` checks each booking's stylist does its services.
- `setup: open_now: true` opens the salon all day today (special hours), so a scenario
  that transfers to a person means the same at any hour of the run.
- A turn's `llm_never_sees` lists what no model request made during that turn may hold
  (« nothing before the caller says their name »).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from agent import calls
from agent.call_context import CallContext
from agent.messaging import code_sender
from agent.persona import build_instructions, greeting
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, Step, ToolCall
from agent.textcall import TextCall
from booking.hours import reopening_words
from notify.outbox import Outbox
from records import transfers
from records.store import CallRecords
from salon import state_db
from salon.french import MONTHS_FR, day_words
from salon.profile import WEEKDAYS, SalonProfile
from tests.agent.harness import FakeKB, SlowCalendar
from tests.fixtures.days import usual_day
from tests.scenarios.setup_state import days_ago, past_visit, scenario_profile, seed, take

SCENARIO_DIR = Path(__file__).resolve().parent
_DAY = re.compile(r"\{day\+(\d+)\}")
_WORDS = re.compile(r"\{words\+(\d+)\}")
_WEEKDAY = re.compile(r"\{(words:)?(" + "|".join(WEEKDAYS) + r")\+(\d+)\}")
_MONTH_AGO = re.compile(r"\{month-(\d+)\}")


def _today(profile: SalonProfile) -> date:
    return datetime.now(profile.timezone).date()


def _usual(profile: SalonProfile, day: date) -> bool:
    """The salon keeps its usual hours that day and nobody of the team is away."""
    return usual_day(profile, after=day) == day and not any(m.absence_on(day) for m in profile.team)


def _told_at_start(profile: SalonProfile) -> str:
    """What the agent is given before the caller speaks, about now: its instructions (the
    upcoming closures and special hours) and the greeting (when the salon reopens)."""
    now = profile.now()
    return "\n".join(
        [
            build_instructions(profile, now=now),
            build_instructions(profile, now=now, caller_number_known=False),
            greeting(profile, now),
            reopening_words(profile, now) or "",
        ]
    )


def open_day(profile: SalonProfile, after_days: int) -> date:
    """`{day+N}`: the first usual day at least N days ahead that the agent is not told of."""
    told = _told_at_start(profile)
    day = _today(profile) + timedelta(days=after_days)
    while True:
        day = usual_day(profile, after=day)
        if _usual(profile, day) and day.isoformat() not in told and day_words(day) not in told:
            return day
        day += timedelta(days=1)


def anchor_week(profile: SalonProfile, wanted: Iterable[tuple[str, int]]) -> date:
    """The Monday of the first week in which each `(weekday, N)` day is at least N days
    ahead, every day the salon usually opens keeps its usual hours with nobody away, and
    no day it usually closes opens exceptionally."""
    wanted = list(wanted)
    for weekday, _ in wanted:
        if not profile.hours[weekday]:
            raise ValueError(f"{{{weekday}+N}}: the salon does not usually open on {weekday}")
    today = _today(profile)
    monday = today - timedelta(days=today.weekday())
    for _ in range(100):
        days = [monday + timedelta(days=i) for i in range(7)]
        if all(days[WEEKDAYS.index(w)] >= today + timedelta(days=n) for w, n in wanted) and all(
            _usual(profile, d)
            if profile.hours[WEEKDAYS[d.weekday()]]
            else all(x.day != d for x in profile.special_hours)  # no exceptional opening
            for d in days
        ):
            return monday
        monday += timedelta(days=7)
    raise AssertionError(f"no usual week ahead for {wanted}")


def substitute(value: Any, profile: SalonProfile, week: date | None = None) -> Any:
    """Replaces the placeholders in `value`; `week` is the Monday the weekday placeholders
    fall in (`anchor_week` of the scenario's placeholders)."""
    if isinstance(value, str):
        if week is None and _WEEKDAY.search(value):
            week = anchor_week(profile, _weekdays_in(value))
        if week is not None:
            monday = week

            def weekday_text(m: re.Match[str]) -> str:
                day = monday + timedelta(days=WEEKDAYS.index(m.group(2)))
                return day_words(day) if m.group(1) else day.isoformat()

            value = _WEEKDAY.sub(weekday_text, value)
        value = _MONTH_AGO.sub(
            lambda m: MONTHS_FR[days_ago(profile, int(m.group(1))).month - 1], value
        )
        value = _WORDS.sub(lambda m: day_words(open_day(profile, int(m.group(1)))), value)
        return _DAY.sub(lambda m: open_day(profile, int(m.group(1))).isoformat(), value)
    if isinstance(value, list):
        return [substitute(v, profile, week) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, profile, week) for k, v in value.items()}
    return value


def _weekdays_in(text: str) -> list[tuple[str, int]]:
    return [(m.group(2), int(m.group(3))) for m in _WEEKDAY.finditer(text)]


def load(path: Path, profile: SalonProfile) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for key in ("name", "persona", "turns", "expect"):
        if key not in data:
            raise ValueError(f"{path.name}: missing key {key!r}")
    # one week for all the scenario's weekdays (comments included: harmless)
    weekdays = _weekdays_in(text)
    week = anchor_week(profile, weekdays) if weekdays else None
    result: dict[str, Any] = substitute(data, profile, week)
    return result


def _steps(raw: list[Any]) -> list[Step]:
    steps: list[Step] = []
    for item in raw:
        if isinstance(item, str):
            steps.append(item)
        elif isinstance(item, dict) and "tool" in item:
            steps.append(ToolCall(item["tool"], dict(item.get("arguments") or {})))
        else:
            raise ValueError(f"a scripted step is a reply or {{tool, arguments}}: {item!r}")
    return steps


_CODE = re.compile(r"\b(\d{6})\b")


def _with_code(raw: list[Any], outbox: Outbox) -> list[Any]:
    """`{last_code}` in a step's arguments: the last verification code sent by SMS (what
    the booking's owner reads back to the agent)."""
    texts = [e.body for e in outbox.entries(limit=100) if "code" in e.body]
    codes = [m.group(1) for m in (_CODE.search(t) for t in texts) if m]
    last = codes[0] if codes else "------"  # entries come newest first
    return [json.loads(json.dumps(s).replace("{last_code}", last)) for s in raw]


_CLOCK = re.compile(r"il est \d{1,2}h(?:\d{2})?")


def _seen(chat_ctx: Any) -> str:
    """What one model request held, without ids and timings: each message (instructions
    included), each tool call and each tool output, one per line."""
    lines = []
    for item in chat_ctx.items:
        if item.type == "message":
            # The instructions' clock (« il est 13h15 ») is the time of the call, not a
            # booking's: a scenario run at 13h15 must not read it as a leaked 13h15.
            text = _CLOCK.sub("il est <maintenant>", item.text_content or "")
            lines.append(f"{item.role}: {text}")
        elif item.type == "function_call":
            lines.append(f"call {item.name} {item.arguments}")
        elif item.type == "function_call_output":
            lines.append(f"{'error' if item.is_error else 'output'} {item.name}: {item.output}")
    return "\n".join(lines)


@dataclass
class Outcome:
    call: CallContext
    replies: list[str]
    tool_outputs: list[str]
    llm_text: list[str]  # what each model request held (`_seen`), instructions included
    bookings: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    model: ScriptedLLM
    pending_transfer: str | None = None
    stored: Any = None  # the call record as saved in the state database
    errors: list[str] = field(default_factory=list)


def _active_bookings(
    backend: str, conn: Any, stub: Any, profile: SalonProfile, since: datetime
) -> list[dict]:
    """The visits still to come (from `since`), in order: first service, the others
    (`also`), name, phone, start (UTC, to the minute) and stylist."""
    after = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    if backend == "local":
        rows = conn.execute(
            "SELECT service_id, extra_services, name, phone, start_utc, stylist_id "
            "FROM local_bookings WHERE status = 'accepted' AND start_utc >= ? "
            "ORDER BY start_utc",
            (after,),
        ).fetchall()
        return [
            {
                "service": r[0],
                "also": [x for x in r[1].split(",") if x],
                "name": r[2],
                "phone": r[3],
                "start": r[4][:16],
                "stylist": r[5],
            }
            for r in rows
        ]
    by_slug = {(s.cal_event_type_slug or s.id): s.id for s in profile.services}
    by_user = {m.cal_username: m.id for m in profile.stylists if m.cal_username}
    links = {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT uid, visit_uid, extra_services FROM calcom_links")
    }
    active = sorted(stub.active_bookings(), key=lambda b: b["start"])
    uids = {b["uid"] for b in active}
    out = []
    for b in active:
        visit_uid, extra = links.get(b["uid"], (None, ""))
        if visit_uid in uids or b["start"][:16] < after:
            continue  # a later part of a visit still there (folded into it), or history
        attendee = b["attendees"][0]
        ev = stub.event_types[b["eventTypeId"]]
        out.append(
            {
                "service": by_slug.get(ev.slug, ev.slug),
                "also": [x for x in (extra or "").split(",") if x],
                "name": attendee.get("name"),
                "phone": attendee.get("phoneNumber"),
                "start": b["start"][:16],
                "stylist": by_user.get(b["hosts"][0]["username"]),
            }
        )
    return out


async def run_scenario(
    scenario: dict[str, Any], *, backend: str, tmp_path: Path, stub: Any = None
) -> Outcome:
    profile = scenario_profile(scenario)
    started = datetime.now(profile.timezone)
    setup = scenario.get("setup") or {}
    conn = state_db.connect(tmp_path / "salon.db")
    outbox = Outbox(conn=conn, notifiers=[])
    send_code = code_sender(outbox, profile)  # the agent's own: notify words the code SMS
    delay = float(setup.get("calendar_delay") or 0.0)
    calendar: Any
    if backend == "local":
        calendar = SlowCalendar(profile, db=conn, send_code=send_code, delay=0.0)
    else:
        from booking.calcom import CalComCalendar
        from tests.stubs.calcom import API_KEY

        calendar = CalComCalendar(
            profile,
            db=conn,
            send_code=send_code,
            api_key=API_KEY,
            base_url=stub.url,
            deadline=4.0 + 3 * delay,  # production's CAL_API_DEADLINE; a busy CI machine is slow
            attempt_timeout=0.5 + delay,
            min_notice=timedelta(minutes=0),
        )
    for booking in setup.get("bookings") or []:
        await seed(calendar, profile, booking)
    for past in setup.get("past_bookings") or []:
        past_visit(backend, calendar, conn, stub, profile, past)
    if delay and backend == "local":
        calendar.delay = delay
    elif delay:  # every request from now on (a later `calcom_fault` would never be reached)
        stub.fail_next(delay=delay, times=100_000)
    if setup.get("calcom_down") and stub is not None:
        stub.fail_next(status=503, message="Service unavailable", times=1000)

    kb_mode = setup.get("kb", "answerable")
    kb = None if kb_mode == "none" else FakeKB(answerable=kb_mode == "answerable")
    call = calls.open_call(
        profile=profile,
        conn=conn,
        caller=scenario.get("caller"),
        call_sid=scenario.get("call_sid", "CAscenario0001"),
        calendar=calendar,
        outbox=outbox,
    )
    model = ScriptedLLM([])
    caller = CallerInput()
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(kb, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=call)
    calls.watch_session(call, session)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    replies: list[str] = []
    try:
        await text_call.greet(calls.greeting_for(call))
        for turn in scenario["turns"]:
            before = turn.get("before") or {}
            if "calcom_fault" in before and stub is not None:
                stub.fail_next(**before["calcom_fault"])
            if "take_offered_slot" in before:
                await take(calendar, call.offered_slots[before["take_offered_slot"] - 1], profile)
            model.add_steps(*_steps(_with_code(turn.get("llm") or [], outbox)))
            asked = len(model.requests)
            result = await text_call.send(turn["caller"], timeout=20)
            seen = [_seen(r.chat_ctx) for r in model.requests[asked:]]
            for secret in turn.get("llm_never_sees") or []:
                assert not any(secret in t for t in seen), (turn["caller"], secret)
            replies.extend(result.replies)
            if "replies" in turn:
                assert result.replies == turn["replies"], result.replies
            for needle in turn.get("reply_contains") or []:
                assert any(needle in r for r in result.replies), (needle, result.replies)
    finally:
        await text_call.aclose()
        await calls.finish_call(call, session=session)
    tool_outputs = list(
        dict.fromkeys(
            str(item.output)
            for request in model.requests
            for item in request.chat_ctx.items
            if item.type == "function_call_output"
        )
    )
    llm_text = [_seen(request.chat_ctx) for request in model.requests]
    entries = [
        {"channel": e.channel, "to": e.recipient, "body": e.body}
        for e in outbox.entries(limit=1000)
    ]
    bookings = _active_bookings(backend, conn, stub, profile, started)
    pending = transfers.pending_transfer(conn, call_sid=call.call_sid) if call.call_sid else None
    stored = CallRecords(conn=conn).get(call.call_sid) if call.call_sid else None
    return Outcome(
        call=call,
        replies=replies,
        tool_outputs=tool_outputs,
        llm_text=llm_text,
        bookings=bookings,
        outbox=entries,
        model=model,
        pending_transfer=pending,
        stored=stored,
    )


def check(outcome: Outcome, expect: dict[str, Any]) -> None:
    """Compare the final state with the scenario's `expect` block."""
    if "bookings" in expect:
        want = [dict(b) for b in expect["bookings"] or []]
        keys = ["service", "name", "phone"] + [
            k for k in ("also", "stylist") if any(k in b for b in want)
        ]
        for b in want:
            if "also" in keys:
                b.setdefault("also", [])
        got = [{k: b[k] for k in keys} for b in outcome.bookings]
        assert sorted(got, key=str) == sorted(want, key=str), got
    if expect.get("bookings_by_qualified_stylist"):
        profile = outcome.call.profile
        for b in outcome.bookings:
            assert b["stylist"] is not None, b
            member = profile.stylist(b["stylist"])
            assert all(member.does(s) for s in [b["service"], *b["also"]]), b
    if "booking_days" in expect:  # UTC dates; salon hours keep them on the local day
        assert sorted(b["start"][:10] for b in outcome.bookings) == sorted(expect["booking_days"])
    for channel, count in (expect.get("outbox") or {}).items():
        sent = [e for e in outcome.outbox if e["channel"] == channel]
        assert len(sent) == count, (channel, sent)
    for needle in expect.get("sms_contains") or []:
        assert any(needle in e["body"] for e in outcome.outbox if e["channel"] == "sms"), needle
    sms_to = [e["to"] for e in outcome.outbox if e["channel"] == "sms"]
    for number in expect.get("sms_not_to") or []:
        assert number not in sms_to, (number, sms_to)
    for number in expect.get("sms_to") or []:
        assert number in sms_to, (number, sms_to)
    for needle in expect.get("tool_output_contains") or []:
        assert any(needle in o for o in outcome.tool_outputs), (needle, outcome.tool_outputs)
    for secret in expect.get("tool_outputs_exclude") or []:
        assert not any(secret in o for o in outcome.tool_outputs), (secret, outcome.tool_outputs)
    for secret in expect.get("llm_never_sees") or []:
        assert not any(secret in t for t in outcome.llm_text), secret
    record = expect.get("call") or {}
    call = outcome.call
    stored = outcome.stored
    assert stored is not None, "the call record was not saved"
    assert (stored.intent, stored.outcome) == (call.intent, call.outcome)
    assert stored.knowledge_gaps == call.knowledge_gaps
    assert [line.role for line in stored.transcript][:1] == ["agent"]  # the greeting
    if "intent" in record:
        assert call.intent == record["intent"], call.intent
    if "outcome" in record:
        assert call.outcome == record["outcome"], call.outcome
    if "knowledge_gaps" in record:
        assert len(call.knowledge_gaps) == record["knowledge_gaps"], call.knowledge_gaps
    for tool in record.get("tools_include") or []:
        assert tool in call.tools_used, (tool, call.tools_used)
    if "fillers" in expect:
        assert outcome.call.filler.spoken == list(expect["fillers"] or []), (
            outcome.call.filler.spoken
        )
    if "transfer_requested" in expect:
        assert (outcome.pending_transfer is not None) == expect["transfer_requested"]
