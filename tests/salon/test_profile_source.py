"""Unit tier: long-running processes follow the owner's edits of salon.toml."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from salon.profile import ProfileError
from salon.profile_source import ProfileSource
from tests.fixtures.isolation import FIXTURE_SALON


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "salon.toml"
    shutil.copy(FIXTURE_SALON / "salon.toml", path)
    return path


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_edit_is_seen_by_the_next_call_without_a_restart(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    source = ProfileSource(path)
    first = source.current()
    assert source.current() is first  # unchanged file: the same object, no reload
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(first.name, "Salon Renommé", 1), encoding="utf-8")
    _touch_later(path)
    assert source.changed()
    assert source.refresh() and source.current().name == "Salon Renommé"
    assert not source.refresh()
    assert not source.changed()


def test_a_broken_edit_keeps_the_last_good_profile_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _copy(tmp_path)
    source = ProfileSource(path)
    good = source.current()
    path.write_text("[salon\nname = ", encoding="utf-8")
    _touch_later(path)
    with caplog.at_level(logging.ERROR, logger="salon"):
        assert not source.refresh()
        assert source.current() is good
        assert source.current() is good
    assert len([r for r in caplog.records if "cannot be read" in r.getMessage()]) == 1


def test_without_any_good_profile_the_error_is_raised(tmp_path: Path) -> None:
    path = tmp_path / "salon.toml"
    path.write_text("pas du toml [", encoding="utf-8")
    with pytest.raises(ProfileError):
        ProfileSource(path).current()


async def test_the_back_office_loop_restarts_when_salon_toml_is_saved(tmp_path: Path) -> None:
    import asyncio

    from jobs.__main__ import _watch_profile

    path = _copy(tmp_path)
    source = ProfileSource(path)
    source.current()
    stop, changed = asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(_watch_profile(source, stop=stop, changed=changed, every=0.02))
    await asyncio.sleep(0.1)
    assert not changed.is_set()  # nothing saved: the loop keeps running
    path.write_text(path.read_text(encoding="utf-8") + "\n# fermeture ajoutée\n")
    _touch_later(path)
    await asyncio.wait_for(changed.wait(), timeout=5)
    await watcher
    assert not stop.is_set()
