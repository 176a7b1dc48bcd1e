"""Zip containers (.xlsx, .docx): every member is checked before anything is inflated.

An Office file is a zip of XML parts. A hostile one holds a part that inflates from a few
kilobytes to gigabytes (a "zip bomb": a 2.6 MB workbook whose shared strings become
1 GiB). The central directory states each member's compressed and uncompressed size;
Python's `zipfile` never inflates a member past the size it declares (a lying member
fails its CRC check instead), so checking the declared sizes up front is enough:

- an XML part (read whole by the loaders and by openpyxl) may not exceed
  `MAX_PART_BYTES`; a part that is streamed (worksheets) may reach `MAX_STREAMED_BYTES`;
- a member larger than `RATIO_FLOOR_BYTES` may not be compressed more than `MAX_RATIO`:1
  (real Office XML compresses 3-30:1);
- only stored and deflated members (what Office writes): other methods inflate in one
  unbounded call;
- at most `MAX_MEMBERS` members, `MAX_TOTAL_BYTES` in all.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.document import LoadError

MB = 1024 * 1024
MAX_PART_BYTES = 64 * MB
MAX_STREAMED_BYTES = 512 * MB
MAX_TOTAL_BYTES = 1024 * MB
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1 * MB
MAX_MEMBERS = 10_000
_PARSED = (".xml", ".rels", ".vml")


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def check_zip(path: Path, *, kind: str, streamed: tuple[str, ...] = ()) -> None:
    """Refuse `path` (an Office file of `kind`, e.g. "spreadsheet") with a `LoadError`
    when a member would inflate past the limits above; `streamed` are name prefixes of
    parts read as a stream. Reads only the zip's central directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise LoadError(f"corrupt or unreadable {kind} ({type(exc).__name__})") from exc
    if len(members) > MAX_MEMBERS:
        raise LoadError(f"{kind} holds {len(members)} parts (limit {MAX_MEMBERS}): not read")
    total = 0
    for info in members:
        name = info.filename
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise LoadError(
                f"part {name} uses an unusual compression method ({info.compress_type}): "
                f"not an Office file as Office writes them, not read"
            )
        parsed = name.lower().endswith(_PARSED)
        limit = MAX_STREAMED_BYTES if name.startswith(streamed) else MAX_PART_BYTES
        if parsed and info.file_size > limit:
            raise LoadError(
                f"part {name} would inflate to {_mb(info.file_size)} (limit {_mb(limit)}): "
                f"refused before reading it (possible zip bomb)"
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise LoadError(
                f"part {name} inflates {ratio:.0f} times ({_mb(info.compress_size)} → "
                f"{_mb(info.file_size)}, limit {MAX_RATIO}:1): refused before reading it "
                f"(possible zip bomb)"
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise LoadError(
            f"{kind} would inflate to {_mb(total)} in all (limit {_mb(MAX_TOTAL_BYTES)}): "
            f"refused before reading it (possible zip bomb)"
        )
