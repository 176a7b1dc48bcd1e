"""The back office, between calls: `scripts/jobs` (`python -m jobs`).

One pass (`jobs.runner.BackOffice.run_once`) expires the waitlist offers nobody took,
queues the reminders that are due, offers freed slots to the waitlist, drains the
outbox and applies retention; the loop repeats it every `JOBS_INTERVAL` seconds and
drains the outbox every `JOBS_TICK` seconds in between. Time is a clock passed in.
Several processes may run at once: the outbox's dedupe keys and atomic claims and the
waitlist's unique indexes keep every message single.
"""
