"""Integration tier (real SQLite files, real subprocesses): call records in the state database,
the owner's command line and the end-of-call e-mail."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from records.__main__ import main as cli_main
from records.report import transcript_email
from records.store import (
    PERSONAL_DATA,
    CallRecord,
    CallRecords,
    TakenMessage,
    TranscriptLine,
    TurnMetrics,
    from_history,
)
from salon.profile import load_profile

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # 14h30 in Lyon


def _record(sid: str = "CA-1", **changes: object) -> CallRecord:
    record = CallRecord(
        call_sid=sid,
        caller="+33612345678",
        called="+33478421890",
        started_at=T0,
        ended_at=T0 + timedelta(minutes=3, seconds=12),
        intent="booking",
        outcome="booked",
        transcript=[
            TranscriptLine("agent", "Bonjour, Maison Margaux Coiffure.", T0),
            TranscriptLine("user", "Je voudrais une coupe samedi.", T0 + timedelta(seconds=4)),
            TranscriptLine("assistant", "Samedi à 10h, cela vous va ?", T0 + timedelta(seconds=6)),
        ],
        tools_used=["find_slots", "book"],
        knowledge_gaps=["Vous faites les extensions ?"],
        metrics=[
            TurnMetrics(
                e2e=0.9, llm_ttft=0.4, tts_ttfb=0.2, end_of_turn_delay=0.3, hook_delay=0.01
            ),
            TurnMetrics(e2e=1.1, llm_ttft=0.5),
        ],
        messages=[TakenMessage("Rappelez-moi pour un devis mariage.", caller_name="Léa Martin")],
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


@pytest.fixture
def store(tmp_path: Path) -> CallRecords:
    return CallRecords(path=tmp_path / "salon.db")


def test_a_saved_call_reads_back_whole(store: CallRecords) -> None:
    call_id = store.save(_record())
    got = store.get("CA-1")
    assert got is not None and got.id == call_id
    assert got.caller == "+33612345678" and got.called == "+33478421890"
    assert (got.started_at, got.ended_at) == (T0, T0 + timedelta(minutes=3, seconds=12))
    assert (got.intent, got.outcome) == ("booking", "booked")
    assert [(t.role, t.text) for t in got.transcript] == [
        ("agent", "Bonjour, Maison Margaux Coiffure."),
        ("caller", "Je voudrais une coupe samedi."),
        ("agent", "Samedi à 10h, cela vous va ?"),
    ]
    assert got.tools_used == ["find_slots", "book"]
    assert got.knowledge_gaps == ["Vous faites les extensions ?"]
    assert got.metrics[0].e2e == 0.9 and got.metrics[1].tts_ttfb is None
    assert got.messages[0].caller_name == "Léa Martin"
    assert got.duration_seconds == 192


def test_a_started_call_is_recorded_as_abandoned_until_saved(store: CallRecords) -> None:
    first = store.start_call(call_sid="CA-2", caller="+33600000001", started_at=T0)
    assert store.start_call(call_sid="CA-2", caller="+33600000001") == first
    pending = store.get("CA-2")
    assert pending is not None and pending.outcome == "abandoned"
    assert store.save(_record("CA-2")) == first
    saved = store.get("CA-2")
    assert saved is not None and saved.outcome == "booked"


def test_saving_twice_does_not_duplicate_anything(store: CallRecords) -> None:
    store.save(_record())
    store.save(_record())
    got = store.get("CA-1")
    assert got is not None
    assert len(got.transcript) == 3 and len(got.messages) == 1 and len(got.knowledge_gaps) == 1
    assert len(store.recent()) == 1


def test_bad_values_are_rejected_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="outcome"):
        CallRecord(call_sid="x", started_at=T0, outcome="won")
    with pytest.raises(ValueError, match="intent"):
        CallRecord(call_sid="x", started_at=T0, intent="shopping")
    with pytest.raises(ValueError, match="role"):
        TranscriptLine("system", "hello")


def test_redacted_view_holds_no_number_and_no_words_of_the_caller() -> None:
    view = _record().redacted()
    dumped = json.dumps(view, ensure_ascii=False)
    assert "12345678" not in dumped and "coupe" not in dumped and "Léa" not in dumped
    assert view["caller"] == "+336******78"
    assert view["transcript_lines"] == 3 and view["outcome"] == "booked"


def test_personal_data_columns_are_declared_for_every_table_that_holds_some() -> None:
    assert PERSONAL_DATA["call_records"] == ("caller",)
    assert "text" in PERSONAL_DATA["call_transcript"]
    assert "message" in PERSONAL_DATA["call_messages"]


def test_turn_metrics_come_from_livekit_chat_message_reports() -> None:
    user = {"end_of_turn_delay": 0.31, "on_user_turn_completed_delay": 0.004, "other": 1}
    assistant = {"e2e_latency": 0.92, "llm_node_ttft": 0.41, "tts_node_ttfb": 0.22}
    metrics = TurnMetrics.from_report(user, assistant, None)
    assert metrics == TurnMetrics(
        e2e=0.92, llm_ttft=0.41, tts_ttfb=0.22, end_of_turn_delay=0.31, hook_delay=0.004
    )


def test_knowledge_gaps_are_grouped_across_calls_for_the_owner(store: CallRecords) -> None:
    store.save(_record("CA-1"))
    store.save(_record("CA-2", knowledge_gaps=["vous faites les  EXTENSIONS ?", "Parking vélo ?"]))
    month_ago = T0 - timedelta(days=30)
    store.save(
        _record("CA-3", started_at=month_ago, ended_at=month_ago, knowledge_gaps=["Vieux ?"])
    )
    gaps = store.knowledge_gaps(since=T0 - timedelta(days=1))
    assert [(g.count, g.call_sids) for g in gaps] == [(2, ("CA-1", "CA-2")), (1, ("CA-2",))]
    assert gaps[1].question == "Parking vélo ?"
    assert len(store.knowledge_gaps()) == 3


def test_a_resolved_gap_stays_resolved_when_the_call_is_saved_again(store: CallRecords) -> None:
    store.save(_record())
    assert store.resolve_gap("VOUS faites les extensions ?") == 1
    assert store.knowledge_gaps() == []
    store.save(_record())
    assert store.knowledge_gaps() == []
    assert len(store.knowledge_gaps(include_resolved=True)) == 1


def test_messages_for_the_salon_wait_until_handled(store: CallRecords) -> None:
    store.save(_record())
    pending = store.pending_messages()
    assert [(sid, m.text) for sid, m in pending] == [
        ("CA-1", "Rappelez-moi pour un devis mariage.")
    ]
    message_id = pending[0][1].id
    assert message_id is not None
    assert store.mark_message_handled(message_id) is True
    assert store.mark_message_handled(message_id) is False
    assert store.pending_messages() == []


def test_latency_summary_gives_percentiles_in_milliseconds(store: CallRecords) -> None:
    store.save(_record(metrics=[TurnMetrics(e2e=v / 10) for v in range(1, 21)]))
    summary = store.latency_summary()
    assert summary["e2e"] == {"count": 20, "p50_ms": 1000.0, "p95_ms": 1900.0, "max_ms": 2000.0}
    assert "llm_ttft" not in summary


def test_purge_erases_personal_data_but_keeps_statistics(store: CallRecords) -> None:
    store.save(_record("CA-old", started_at=T0 - timedelta(days=400)))
    store.save(_record("CA-new"))
    assert store.purge_personal_data(before=T0 - timedelta(days=365)) == 1
    old, new = store.get("CA-old"), store.get("CA-new")
    assert old is not None and new is not None
    assert old.caller is None and old.transcript == [] and old.messages == []
    assert old.outcome == "booked" and len(old.metrics) == 2
    assert new.caller == "+33612345678" and len(new.transcript) == 3


async def test_async_save_runs_off_the_event_loop(store: CallRecords) -> None:
    record = _record("CA-async")
    call_id = await store.asave(record)
    assert record.id == call_id
    assert (await store.astart_call(call_sid="CA-async")) == call_id


def test_several_processes_can_write_call_records_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    CallRecords(path=db)
    code = (
        "import sys; from datetime import datetime, UTC\n"
        "from records.store import CallRecords, CallRecord, TranscriptLine\n"
        "s = CallRecords(path=sys.argv[1])\n"
        "for i in range(25):\n"
        "    s.save(CallRecord(call_sid=f'{sys.argv[2]}-{i}', started_at=datetime.now(UTC),\n"
        "        outcome='answered', transcript=[TranscriptLine('caller', 'allô')]))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db), f"P{n}"], cwd=ROOT) for n in range(3)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert len(CallRecords(path=db).recent(limit=500)) == 75


def test_transcript_email_is_in_french_with_local_times(store: CallRecords) -> None:
    subject, body = transcript_email(_record(), load_profile())
    assert subject == "Appel du mardi 1er décembre à 14h30 : rendez-vous pris (06 12 34 56 78)"
    assert "Date : mardi 1er décembre 2026 à 14h30 (3 min 12 s)" in body
    assert "Demande : prise de rendez-vous" in body
    assert (
        "De Léa Martin, à rappeler au 06 12 34 56 78 : « Rappelez-moi pour un devis mariage. »"
        in body
    )
    assert "- Vous faites les extensions ?" in body
    assert "14:30:04 Appelant : Je voudrais une coupe samedi." in body
    assert "14:30:06 Assistante : Samedi à 10h, cela vous va ?" in body


def test_transcript_email_of_a_silent_hidden_number_call() -> None:
    record = CallRecord(call_sid="CA-x", started_at=T0)
    subject, body = transcript_email(record, load_profile())
    assert subject.endswith(": appel interrompu (numéro masqué)")
    assert "(aucune parole enregistrée)" in body and "durée inconnue" in body


# ---------------------------------------------------------------- command line


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli_main([*args, "--salon-db", str(tmp_path / "salon.db")])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_gaps_command_lists_unanswered_questions_most_asked_first(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(_record("CA-1"))
    store.save(_record("CA-2", knowledge_gaps=["Vous faites les extensions ?", "Parking ?"]))
    code, out, _ = _cli(tmp_path, capsys, "--gaps")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 questions sans réponse, les plus posées d'abord :"
    assert re.match(r"#\d+\s+2×  Vous faites les extensions \?", lines[1])
    code, out, _ = _cli(tmp_path, capsys, "--gaps", "--json")
    assert json.loads(out.splitlines()[0])["count"] == 2


def test_messages_recent_and_latency_commands(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(_record())
    code, out, _ = _cli(tmp_path, capsys, "--messages")
    assert code == 0 and "Léa Martin" in out and "« Rappelez-moi" in out
    code, out, _ = _cli(tmp_path, capsys, "--recent", "5")
    assert code == 0 and "CA-1" in out and "+336******78" in out and "12345678" not in out
    assert "prise de rendez-vous" in out and out.rstrip().endswith("rendez-vous pris")
    code, out, _ = _cli(tmp_path, capsys, "--latency")
    assert code == 0 and json.loads(out)["e2e"]["count"] == 2


def test_empty_lists_say_so_in_french_to_the_owner(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(tmp_path, capsys, "--recent", "5")[1] == "aucun appel enregistré\n"
    assert _cli(tmp_path, capsys, "--recent", "5", "--json")[1] == ""
    assert _cli(tmp_path, capsys, "--messages")[1] == "aucun message en attente\n"
    assert _cli(tmp_path, capsys, "--gaps")[1] == "aucune question sans réponse\n"
    code, out, _ = _cli(tmp_path, capsys, "--handled", "7")
    assert code == 1 and out == "aucun message en attente n° 7\n"


def test_show_prints_the_transcript_email_and_fails_cleanly_when_unknown(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(_record())
    code, out, _ = _cli(tmp_path, capsys, "--show", "CA-1")
    assert code == 0 and out.startswith("Appel du mardi 1er décembre")
    code, out, _ = _cli(tmp_path, capsys, "--show", "#1")
    assert code == 0 and "Transcription :" in out
    code, out, err = _cli(tmp_path, capsys, "--show", "CA-nope")
    assert code == 1 and "aucun appel avec le call_sid" in err


def test_usage_errors_exit_with_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as missing:
        cli_main(["--salon-db", str(tmp_path / "x.db")])
    assert missing.value.code == 2
    with pytest.raises(SystemExit) as bad_date:
        cli_main(["--gaps", "--since", "hier", "--salon-db", str(tmp_path / "x.db")])
    assert bad_date.value.code == 2


def test_module_entry_point_runs_against_salon_db(store: CallRecords, tmp_path: Path) -> None:
    store.save(_record())
    env = dict(os.environ, SALON_DB=str(tmp_path / "salon.db"))
    done = subprocess.run(
        [sys.executable, "-m", "records", "--gaps"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Vous faites les extensions ?" in done.stdout


def test_transcript_and_metrics_come_from_a_livekit_chat_history() -> None:
    llm = pytest.importorskip("livekit.agents.llm")
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="instructions")
    ctx.add_message(
        role="assistant", content="Bonjour, Maison Margaux.", created_at=1_796_131_800.0
    )
    user = ctx.add_message(role="user", content="Combien coûte une coupe ?")
    user.metrics = {"end_of_turn_delay": 0.3, "on_user_turn_completed_delay": 0.002}
    reply = ctx.add_message(role="assistant", content="Une coupe homme coûte 28 €.")
    reply.metrics = {"e2e_latency": 0.8, "llm_node_ttft": 0.35, "tts_node_ttfb": 0.2}
    transcript, metrics = from_history(ctx.items)
    assert [(t.role, t.text) for t in transcript] == [
        ("agent", "Bonjour, Maison Margaux."),
        ("caller", "Combien coûte une coupe ?"),
        ("agent", "Une coupe homme coûte 28 €."),
    ]
    assert transcript[0].at == datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    assert metrics == [
        TurnMetrics(
            e2e=0.8,
            llm_ttft=0.35,
            tts_ttfb=0.2,
            end_of_turn_delay=0.3,
            hook_delay=0.002,
            at=metrics[0].at,
        )
    ]


# ---------------------------------------------------------------- a call the agent could not carry


def test_a_failed_call_keeps_its_reason_in_the_store_the_listing_and_the_email(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "modèle de langue injoignable : APIConnectionError (ConnectError: refused)"
    store.save(_record("CA-9", outcome="failed", failure=reason, messages=[]))
    stored = store.get("CA-9")
    assert stored is not None and (stored.outcome, stored.failure) == ("failed", reason)
    store.save(_record("CA-1"))  # an ordinary call has no failure
    assert store.get("CA-1").failure is None  # type: ignore[union-attr]
    assert stored.redacted()["failure"] == reason
    code, out, _ = _cli(tmp_path, capsys, "--recent", "5")
    assert code == 0 and f"à rappeler  ({reason})" in out
    subject, body = transcript_email(stored, load_profile())
    assert "appel non traité (panne de l'assistante), à rappeler" in subject
    assert f"Incident : {reason}" in body


def test_a_database_from_before_the_failure_column_is_upgraded_keeping_its_calls(
    tmp_path: Path,
) -> None:
    from salon import migrations, state_db

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(conn, migrations=migrations.MIGRATIONS[:2])  # the schema before
    conn.execute(
        "INSERT INTO call_records (call_sid, started_at, outcome) "
        "VALUES ('CA-old', '2026-12-01T13:30:00Z', 'answered')"
    )
    conn.close()
    store = CallRecords(conn=state_db.connect(path))  # opening upgrades it
    old = store.get("CA-old")
    assert old is not None and old.outcome == "answered" and old.failure is None
    store.save(_record("CA-new", outcome="failed", failure="panne"))
    assert store.get("CA-new").failure == "panne"  # type: ignore[union-attr]


def test_the_owner_reads_call_times_on_the_salon_clock(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from salon.owner_time import salon_zone

    salon_zone.cache_clear()
    store.save(
        CallRecord(
            call_sid="CA-clock",
            started_at=datetime(2026, 12, 3, 9, 5, tzinfo=UTC),  # 10:05 in Lyon in winter
            outcome="answered",
        )
    )
    code, out, _ = _cli(tmp_path, capsys, "--recent", "1")
    assert code == 0 and "03/12/2026 10:05" in out and "UTC" not in out


def test_recent_calls_have_a_french_header_and_words_instead_of_dashes(
    store: CallRecords, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.save(_record("CA-1"))
    # a call without a Twilio reference (scripts/chat) where the caller asked nothing
    store.save(CallRecord(call_sid=None, started_at=T0 + timedelta(hours=1), outcome="abandoned"))
    code, out, _ = _cli(tmp_path, capsys, "--recent", "5")
    header, latest, older = out.splitlines()
    assert code == 0
    assert header.split() == [
        "N°", "Début", "Référence", "Twilio", "Appelant", "Demande", "Issue"
    ]  # fmt: skip
    assert latest.split("  ")[0].startswith("#") and " - " not in latest
    assert "aucune" in latest and "non déterminée" in latest and "masqué" in latest
    # the columns line up under their titles
    for title, value in [("Référence", "aucune"), ("Appelant", "masqué"), ("Demande", "non")]:
        assert header.index(title) == latest.index(value), (title, header, latest)
    assert header.index("Référence") == older.index("CA-1")
    assert header.index("Issue") == older.index("rendez-vous pris")
