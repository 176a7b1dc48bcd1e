"""Every test session runs on the tests' own salon and on throwaway state.

At session start `SALON_PROFILE` points at the fixture salon (`tests/fixtures/salon/`),
`SALON_DB` and `KB_DB` at a session temporary folder, `SALON_ISOLATED=1` turns on the
guard in `salon.settings`, and every other setting is blank (no SMS, e-mail, Cal.com
booking or LiveKit dispatch can leave the machine; the checkout's `.env` is not read).
Subprocesses inherit this environment. Anything that opens a file or a database in the
checkout's `data/` or `sources/` fails at once and stops the session; at the end the
session fails if either folder was created, changed or emptied meanwhile. See
`tests/fixtures/isolation.py`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from salon.settings import CheckoutStateUsed
from tests.fixtures.isolation import CheckoutGuard, changes, isolated_environment

GUARD = CheckoutGuard()
_session: dict[str, object] = {}

STOP = "the checkout's data/ or sources/ was touched (see the failure above)"


def pytest_configure(config: pytest.Config) -> None:
    state = Path(tempfile.mkdtemp(prefix="salon-tests-"))
    _session.update(state=state, environ=dict(os.environ), before=GUARD.snapshot())
    os.environ.update(isolated_environment(state))
    GUARD.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    GUARD.active = False
    saved = _session.get("environ")
    if isinstance(saved, dict):
        os.environ.clear()
        os.environ.update(saved)
    state = _session.get("state")
    if isinstance(state, Path):
        shutil.rmtree(state, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(CheckoutStateUsed):
        item.session.shouldstop = STOP
    return report


@pytest.fixture(autouse=True)
def _keeps_off_the_checkout(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test (and stops the session) if it touched the checkout's state, even
    when the code under test caught the error."""
    before = len(GUARD.violations)
    yield
    new = GUARD.violations[before:]
    if new:
        request.session.shouldstop = STOP
        pytest.fail(
            "this test used the checkout's data/ or sources/ (tests use the fixture salon "
            "and temporary state):\n  " + "\n  ".join(new),
            pytrace=False,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = _session.get("before")
    if not isinstance(before, dict):
        return
    found = changes(before, GUARD.snapshot()) + [f"refused {v}" for v in GUARD.violations]
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        "the test session touched the checkout's data/ or sources/ (tests must use "
        "tests/fixtures/salon and temporary state):",
        *(f"  {line}" for line in found[:50]),
    ]
    if reporter is not None:
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line, red=True, bold=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
