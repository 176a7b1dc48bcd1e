"""Unit tier: what the worker heartbeats in the state db say to the webhook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from salon import state_db, worker_heartbeat
from salon.worker_heartbeat import STALE_AFTER_S, WorkerLiveness, beat, liveness, mark_stopped

AGENT = "salon-receptionist"
NOW = 1_800_000_000.0


def test_alive_down_or_unknown(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    assert liveness(conn, agent_name=AGENT, now=NOW).state == "unknown"
    beat(conn, agent_name=AGENT, worker="a/1", now=NOW - STALE_AFTER_S + 1)
    assert liveness(conn, agent_name=AGENT, now=NOW).state == "alive"
    crashed = liveness(conn, agent_name=AGENT, now=NOW + 10)
    assert crashed.state == "down"
    assert crashed.detail == "no heartbeat from worker 'salon-receptionist' for 24 s"
    beat(conn, agent_name=AGENT, worker="a/1", now=NOW)
    mark_stopped(conn, agent_name=AGENT, worker="a/1", now=NOW + 2)
    stopped = liveness(conn, agent_name=AGENT, now=NOW + 3)
    assert (stopped.state, stopped.detail) == (
        "down",
        "worker 'salon-receptionist' stopped 1 s ago",
    )
    # another worker of the same agent is enough; a clock a little behind the worker's too
    beat(conn, agent_name=AGENT, worker="b/2", now=NOW + 5)
    assert liveness(conn, agent_name=AGENT, now=NOW + 3).state == "alive"
    # another agent name's worker says nothing about this one
    assert liveness(conn, agent_name="other", now=NOW).state == "unknown"


def test_a_live_worker_prunes_rows_of_workers_gone_for_a_week(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    beat(conn, agent_name=AGENT, worker="old/1", now=NOW - worker_heartbeat.PRUNE_AFTER_S - 1)
    beat(conn, agent_name=AGENT, worker="recent/2", now=NOW - 3600)
    beat(conn, agent_name=AGENT, worker="new/3", now=NOW)
    workers = [r[0] for r in conn.execute("SELECT worker FROM worker_heartbeats ORDER BY 1")]
    assert workers == ["new/3", "recent/2"]


def test_the_webhook_reads_the_heartbeats_at_most_once_per_cache_period(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    conn = state_db.connect(db)
    cached = WorkerLiveness(db_path=db, agent_name=AGENT, cache_s=3600)
    fresh = WorkerLiveness(db_path=db, agent_name=AGENT, cache_s=0)
    assert cached.down() is None and fresh.down() is None  # unknown: dispatch
    beat(conn, agent_name=AGENT, worker="a/1")
    mark_stopped(conn, agent_name=AGENT, worker="a/1")
    assert cached.down() is None  # still the first reading
    assert fresh.down() is not None and "stopped" in (fresh.down() or "")
    cached.close()
    fresh.close()


def test_forget_removes_the_rows_of_a_worker_moved_elsewhere(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    conn = state_db.connect(db)
    beat(conn, agent_name=AGENT, worker="a/1", now=NOW)
    beat(conn, agent_name=AGENT, worker="b/2", now=NOW)
    done = subprocess.run(
        [sys.executable, "-m", "salon.worker_heartbeat", "--forget"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "SALON_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 signaux de vie oubliés"
    assert liveness(conn, agent_name=AGENT).state == "unknown"
