"""Integration tier: the owner's facts win at answer time, through `scripts/chat`'s turn path.

The owner raised « coupe homme » to 31 € in salon.toml; the CSV price list still says
28 €. After `scripts/reindex`, a caller asks the price: the frame the LLM receives (recorded
by the local OpenAI-compatible stub) ranks the profile's passage first and marks the CSV
passage as outdated, naming the profile's price.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.fixtures.isolation import FIXTURE_SALON
from tests.stubs.openai import OpenAIStub

ROOT = Path(__file__).resolve().parents[2]
PROFILE_ROW = 'name = "Coupe homme"\ncategory = "Homme"\nduration = 30\nprice = 28'


def _salon(folder: Path) -> Path:
    folder.mkdir()
    profile = (FIXTURE_SALON / "salon.toml").read_text(encoding="utf-8")
    assert PROFILE_ROW in profile
    (folder / "salon.toml").write_text(
        profile.replace(PROFILE_ROW, PROFILE_ROW.replace("28", "31")), encoding="utf-8"
    )
    shutil.copy(FIXTURE_SALON / "tarifs-prestations.csv", folder / "tarifs-prestations.csv")
    return folder


def test_a_price_the_profile_changed_reaches_the_llm_marked_outdated_below_the_profile(
    tmp_path: Path,
) -> None:
    sources, db = _salon(tmp_path / "sources"), tmp_path / "kb"
    env = dict(os.environ, BOOTSTRAP_QUIET="1", SALON_PROFILE=str(sources / "salon.toml"))
    subprocess.run(
        [str(ROOT / "scripts" / "reindex"), "--quiet", "--sources", str(sources), "--db", str(db)],
        check=True,
        capture_output=True,
        env=env,
        timeout=180,
    )
    with OpenAIStub(["Une coupe homme coûte 31 euros."]) as stub:
        done = subprocess.run(
            [str(ROOT / "scripts" / "chat"), "--db", str(db)],
            input="C'est combien une coupe homme ?\n",
            capture_output=True,
            text=True,
            env=env
            | {
                "OPENAI_BASE_URL": stub.base_url,
                "OPENAI_API_KEY": stub.api_key,
                "SALON_DB": str(tmp_path / "salon.db"),
            },
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "agent: Une coupe homme coûte 31 euros."
    messages = stub.requests[0]["messages"]
    assert "Coupe homme, 31 €" in messages[0]["content"]  # the instructions, from salon.toml
    frame = next(m["content"] for m in messages if "PÉRIMÉ" in str(m.get("content")))
    labels = re.findall(r"\[extrait (\d) — ([^\]]*)\]", frame)
    profile_at = next(int(n) for n, label in labels if label.startswith("salon.toml"))
    outdated = [(int(n), label) for n, label in labels if label.endswith("PÉRIMÉ")]
    assert [label.split(" — ")[0] for _, label in outdated] == ["tarifs-prestations.csv"]
    assert profile_at < outdated[0][0]
    note = f"extrait {outdated[0][0]} : prix de Coupe homme : ce passage dit 28 €"
    assert note in frame and "la fiche du salon, qui fait foi, dit 31 €" in frame
    # the note sits outside the data block, where instructions are trusted
    assert frame.index(note) > frame.index("<<<FIN_DOCUMENTS_DU_SALON")
