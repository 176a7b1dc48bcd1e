"""Going live: the preflight doctor and the process supervisor.

- `ops.doctor`: one cheap real API call per configured service (`scripts/doctor`), and the
  Twilio number's `--fix`;
- `ops.supervisor`: the agent worker, the webhook and the back-office jobs in one terminal,
  restarted with backoff, stopped cleanly (`scripts/serve`); `ops.tunnel` opens the ngrok
  tunnel for `scripts/serve --ngrok`.

May import `salon`, `kb`, `booking`, `notify`, `records`, `webhook`; never `agent` (the
worker runs as a separate process).
"""
