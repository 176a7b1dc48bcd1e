"""Unit tier: the package arrows of ARCHITECTURE.md hold in the code.

Every `import` and `from … import` of our packages (at module level or inside a
function, under `TYPE_CHECKING` or not) is read with `ast`, so a lazy import cannot hide
an arrow pointing the wrong way. The table below is the architecture; a new package must
be added to it on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> the packages of ours it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "salon": set(),
    "ingest": {"salon"},
    "kb": {"ingest", "salon"},
    "booking": {"salon"},
    "notify": {"salon"},
    "records": {"notify", "salon"},
    "speech": {"salon"},
    "agent": {"salon", "ingest", "kb", "booking", "notify", "records", "speech"},
    "webhook": {"salon", "kb", "booking", "notify", "records"},
    # between calls: outbox drain, reminders, waitlist offers, retention
    "jobs": {"salon", "booking", "notify", "records"},
    # going live: preflight checks and the process supervisor (never the agent's code)
    "ops": {"salon", "kb", "booking", "notify", "records", "webhook"},
}
OURS = set(ALLOWED)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return [(line, name) for line, name in found if name in OURS]


def _violations(package: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, name in _imports(path):
            if name != package and name not in ALLOWED[package]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return bad


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_the_architecture_allows(package: str) -> None:
    if package in {"ops", "jobs"} and not (ROOT / package).exists():
        pytest.skip(f"{package}/ is not written yet")
    assert (ROOT / package / "__init__.py").is_file(), f"{package}/ is not a package"
    assert _violations(package) == []


def test_every_python_package_of_the_project_is_in_the_table() -> None:
    packages = {
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in {"tests", "eval", "scripts"}
    }
    assert packages <= OURS


def test_the_checker_sees_lazy_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from agent.tools import x\n    import kb.store\n")
    assert _imports(module) == [(2, "agent"), (3, "kb")]


def test_no_package_cli_imports_its_own_command_line_back() -> None:
    """`__main__` modules are entry points: nothing of ours imports them."""
    offenders = []
    for package in sorted(OURS):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("__main__"):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
