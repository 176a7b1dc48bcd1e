"""The versioned index on disk: versions, manifests, the CURRENT pointer, the Chroma store.

Layout of a knowledge-base directory (`--db`, default `data/kb`)::

    CURRENT                      id of the version readers use (switched with os.replace)
    .lock                        held by the one reindex allowed at a time
    versions/<id>/manifest.json  model, chunk ids, file hashes, build time, reports,
                                 contradictions between salon.toml and the documents
    versions/<id>/chroma/        Chroma PersistentClient data of that version
    versions/<id>/facts.json     the documents' facts, to compare them with salon.toml
                                 again on another day (kb.stored_facts, kb.recheck)

A version without `manifest.json` is unfinished and never pointed at. With `CHROMA_HOST`
set, vectors live in a Chroma server collection per version (`kb-<ns>-<id>`) and the
directory keeps only the manifests and the pointer.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salon import settings

logger = logging.getLogger("kb")

FORMAT = 1
KEEP_PREVIOUS = 2  # finished versions kept besides the current one (readers may hold them)
LOCAL_COLLECTION = "salon-kb"
STORE_FILE = "store.json"


class IndexMissing(RuntimeError):
    """No usable index in the knowledge-base directory."""


class IndexBusy(RuntimeError):
    """Another reindex holds the lock on this knowledge-base directory."""


@dataclass
class Manifest:
    version: str
    model: str
    dim: int
    built_at: str
    store: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)  # source path -> sha256
    chunk_ids: list[str] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    pipeline: str = ""  # fingerprint of the ingestion code that made the chunks
    sources: str = ""
    build_seconds: float = 0.0
    embedded: int = 0
    reused: int = 0
    contradictions: list[dict[str, Any]] = field(default_factory=list)  # with salon.toml
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise IndexMissing(f"index format {data.get('format')!r} is not supported")
        return cls(**data)


def versions_dir(db_dir: Path) -> Path:
    return db_dir / "versions"


def new_version_id() -> str:
    """A version id that sorts by creation time (microseconds), then a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)


def current_pointer(db_dir: Path) -> Path:
    return db_dir / "CURRENT"


def read_current(db_dir: Path) -> str | None:
    """The current version id, or None when no index was ever switched in."""
    try:
        value = current_pointer(db_dir).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def switch_current(db_dir: Path, version: str) -> None:
    """Point readers at `version` atomically (write a temp file, fsync, os.replace)."""
    tmp = db_dir / f".CURRENT.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, current_pointer(db_dir))
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
        dir_fd = os.open(db_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_manifest(version_dir: Path, manifest: Manifest) -> None:
    tmp = version_dir / "manifest.json.tmp"
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, version_dir / "manifest.json")


def read_manifest(db_dir: Path, version: str) -> Manifest:
    path = versions_dir(db_dir) / version / "manifest.json"
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexMissing(f"index version {version} has no manifest ({path})") from exc
    except (ValueError, TypeError) as exc:
        raise IndexMissing(f"index manifest {path} is unreadable: {exc}") from exc


def current_manifest(db_dir: Path) -> Manifest:
    """The manifest of the serving version; `IndexMissing` with a clear message if none."""
    version = read_current(db_dir)
    if version is None:
        raise IndexMissing(f"no knowledge base in {db_dir}: run scripts/reindex first")
    return read_manifest(db_dir, version)


@contextlib.contextmanager
def writer_lock(db_dir: Path) -> Iterator[None]:
    """Exclusive lock for one reindex at a time on a directory; `IndexBusy` if taken."""
    db_dir.mkdir(parents=True, exist_ok=True)
    with open(db_dir / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusy(f"another reindex is running on {db_dir}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- Chroma ------------------------------------------------------------------------------


def store_for_new_version(db_dir: Path, version: str) -> dict[str, Any]:
    """Where a new version's vectors go: a local PersistentClient, or the Chroma server."""
    host = settings.get("CHROMA_HOST")
    if host:
        namespace = hashlib.sha1(str(db_dir.resolve()).encode()).hexdigest()[:8]
        return {
            "kind": "http",
            "host": host,
            "port": settings.get_int("CHROMA_PORT", 8000),
            "collection": f"kb-{namespace}-{version}".lower(),
        }
    return {"kind": "persistent", "path": "chroma", "collection": LOCAL_COLLECTION}


def chroma_client(db_dir: Path, version: str, store: dict[str, Any]) -> Any:
    """A Chroma client for a version's store (imported lazily: chromadb is heavy)."""
    import chromadb
    from chromadb.config import Settings

    chroma_settings = Settings(anonymized_telemetry=False)
    if store["kind"] == "http":
        # The server the settings name now wins over the one recorded at build time (the
        # same server is often reached by another name from the agent's container).
        host, port = str(store["host"]), int(store["port"])
        configured = settings.get("CHROMA_HOST")
        if configured:
            host, port = configured, settings.get_int("CHROMA_PORT", 8000)
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    path = versions_dir(db_dir) / version / store["path"]
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def close_client(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()


def delete_version(db_dir: Path, version: str) -> None:
    """Remove a version: its server collection (if any) and its directory."""
    vdir = versions_dir(db_dir) / version
    where: dict[str, Any] | None
    try:
        where = read_manifest(db_dir, version).store
    except IndexMissing:  # unfinished: `store.json` is written before any vector
        try:
            where = json.loads((vdir / STORE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            where = None
    if where is not None and where.get("kind") == "http":
        with contextlib.suppress(Exception):
            client = chroma_client(db_dir, version, where)
            client.delete_collection(where["collection"])
    shutil.rmtree(vdir, ignore_errors=True)


def start_version(db_dir: Path, version: str, where: dict[str, Any]) -> None:
    """Create a version's folder and record where its vectors go, before writing any."""
    vdir = versions_dir(db_dir) / version
    vdir.mkdir(parents=True, exist_ok=False)
    (vdir / STORE_FILE).write_text(json.dumps(where), encoding="utf-8")


def prune(db_dir: Path, *, keep_previous: int = KEEP_PREVIOUS) -> list[str]:
    """Delete unfinished versions and all but the newest `keep_previous` finished old ones.

    Call it only under `writer_lock`: then no build is in progress, so a version without a
    manifest is a failed run's leftover. Readers load a version fully into memory at open,
    and the versions just before the current one are kept for readers still loading them.
    """
    root = versions_dir(db_dir)
    if not root.is_dir():
        return []
    current = read_current(db_dir)
    finished: list[str] = []
    removed: list[str] = []
    for vdir in sorted(root.iterdir()):
        if not vdir.is_dir() or vdir.name == current:
            continue
        if (vdir / "manifest.json").is_file():
            finished.append(vdir.name)
        else:
            delete_version(db_dir, vdir.name)
            removed.append(vdir.name)
    stale = finished[: max(0, len(finished) - keep_previous)]
    for version in stale:
        delete_version(db_dir, version)
        removed.append(version)
    return removed
