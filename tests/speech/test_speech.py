"""Unit tier: French speech normalisation before text-to-speech, whole and streamed."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from speech.normalise import SpeechStream, make_tts_transform, normalize_for_tts

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    # prices
    ("54 €", "cinquante-quatre euros"),
    ("54€", "cinquante-quatre euros"),
    ("12,50 €", "douze euros cinquante"),
    ("12.50 €", "douze euros cinquante"),
    ("12,5 €", "douze euros cinquante"),
    ("12€50", "douze euros cinquante"),
    ("€12,50", "douze euros cinquante"),
    ("€ 54", "cinquante-quatre euros"),
    ("54 EUR", "cinquante-quatre euros"),
    ("54 euros", "cinquante-quatre euros"),
    ("1 €", "un euro"),
    ("0,50 €", "cinquante centimes"),
    ("1,50 €", "un euro cinquante"),
    ("à partir de 79 €", "à partir de soixante-dix-neuf euros"),
    ("1 200 €", "mille deux cents euros"),
    ("1\u202f200\u00a0€", "mille deux cents euros"),
    ("1.200 €", "mille deux cents euros"),
    ("80 €", "quatre-vingts euros"),
    ("1 000 000 €", "un million d'euros"),
    ("payable en €", "payable en euros"),
    # times and ranges
    ("14h30", "quatorze heures trente"),
    ("14H30", "quatorze heures trente"),
    ("14 h 30", "quatorze heures trente"),
    ("9h", "neuf heures"),
    ("9 h", "neuf heures"),
    ("12h00", "midi"),
    ("12h", "midi"),
    ("à 12h30", "à midi trente"),
    ("0h15", "minuit quinze"),
    ("21h", "vingt et une heures"),
    ("1h", "une heure"),
    ("14:30", "quatorze heures trente"),
    ("9h-19h", "de neuf heures à dix-neuf heures"),
    ("de 9h à 19h", "de neuf heures à dix-neuf heures"),
    ("de 9h30 – 12h", "de neuf heures trente à midi"),
    ("De 10h-12h", "De dix heures à midi"),
    ("10h-12h / 14h-19h", "de dix heures à midi, de quatorze heures à dix-neuf heures"),
    ("mardi-samedi", "du mardi au samedi"),
    ("du lundi - vendredi", "du lundi au vendredi"),
    # durations
    ("45 min", "quarante-cinq minutes"),
    ("45 min.", "quarante-cinq minutes."),
    ("45 min. de pose", "quarante-cinq minutes de pose"),
    ("45mn", "quarante-cinq minutes"),
    ("1 min", "une minute"),
    ("21 minutes", "vingt et une minutes"),
    ("1h30 de pose", "une heure trente de pose"),
    ("1 h 30 min", "une heure trente"),
    ("2 h", "deux heures"),
    ("48h", "quarante-huit heures"),
    ("en 12h", "en douze heures"),
    ("1 heure", "une heure"),
    # dates
    ("mardi 3/12", "mardi trois décembre"),
    ("le 03/12/2026", "le trois décembre deux mille vingt-six"),
    ("le 3/12/26", "le trois décembre deux mille vingt-six"),
    ("le 1/12", "le premier décembre"),
    ("le 1er décembre", "le premier décembre"),
    ("le 1 mars", "le premier mars"),
    ("le 3 déc.", "le trois décembre."),
    ("le 5 janv. à 9h", "le cinq janvier à neuf heures"),
    ("le 2026-12-03", "le trois décembre deux mille vingt-six"),
    # abbreviated weekdays, read as words like the months
    ("sam. 12/12", "samedi douze décembre"),
    ("lun. 7 déc. à 9h", "lundi sept décembre à neuf heures"),
    ("lun. 7 déc.", "lundi sept décembre."),
    ("RDV mar. 3 déc. à 14h30", "rendez-vous mardi trois décembre à quatorze heures trente"),
    ("Sam. 12/12", "Samedi douze décembre"),
    ("JEU. 5/12", "Jeudi cinq décembre"),
    ("mer 4 déc", "mercredi quatre décembre"),
    ("ven. 1er janv. à 10h", "vendredi premier janvier à dix heures"),
    ("dim. 6/12", "dimanche six décembre"),
    ("le sam. 12", "le samedi douze"),
    ("sam. 9h-18h", "samedi de neuf heures à dix-huit heures"),
    ("ouvert mar.-sam.", "ouvert du mardi au samedi."),
    ("Lun.-Ven. : 9h-19h", "du lundi au vendredi : de neuf heures à dix-neuf heures"),
    ("du mar. au sam. inclus", "du mardi au samedi inclus"),
    ("du mar au sam", "du mardi au samedi"),
    # … but not where the letters are another word
    ("vue sur la mer. 3 chambres", "vue sur la mer. trois chambres"),
    ("la mer 4 fois", "la mer quatre fois"),
    ("le jeu. Puis", "le jeu. Puis"),
    ("Sam viendra", "Sam viendra"),
    ("le 32/13", "le trente-deux/treize"),
    ("une 1/2 heure", "une demi-heure"),
    ("1/2 journée", "une demi-journée"),
    ("comptez 1/2 h", "comptez une demi-heure"),
    ("un 1/4 d'heure", "un quart d'heure"),
    ("3/4 d'heure", "trois quarts d'heure"),
    ("dans 2/3 semaines", "dans deux ou trois semaines"),
    # phone numbers, read in pairs
    ("06 12 34 56 78", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
    ("+33 6 12 34 56 78", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
    ("0612345678", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
    ("06.12.34.56.78", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
    (
        "+33 (0)4 78 42 18 90",
        "zéro quatre, soixante-dix-huit, quarante-deux, dix-huit, quatre-vingt-dix",
    ),
    ("+33478421890", "zéro quatre, soixante-dix-huit, quarante-deux, dix-huit, quatre-vingt-dix"),
    ("0033 1 00 00 00 01", "zéro un, zéro zéro, zéro zéro, zéro zéro, zéro un"),
    ("+44 20 79 46", "plus quarante-quatre, vingt, soixante-dix-neuf, quarante-six"),
    # abbreviations
    ("RDV", "rendez-vous"),
    ("votre rdv", "votre rendez-vous"),
    ("env. 45 min", "environ quarante-cinq minutes"),
    ("Env. 20 €", "Environ vingt euros"),
    ("2 jours min. avant", "deux jours minimum avant"),
    ("3 personnes max.", "trois personnes maximum."),
    ("n° 18", "numéro dix-huit"),
    ("N°5", "Numéro cinq"),
    ("Mme Dupont", "Madame Dupont"),
    ("M. Martin", "Monsieur Martin"),
    ("Mlle Roux", "Mademoiselle Roux"),
    ("18 bd Victor Hugo", "dix-huit boulevard Victor Hugo"),
    ("5 av. Foch", "cinq avenue Foch"),
    ("coupe, couleur, etc.", "coupe, couleur, et cetera."),
    ("coupe, etc., brushing", "coupe, et cetera, brushing"),
    (
        "Tél. 06 12 34 56 78",
        "Téléphone zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
    ),
    ("prix TTC", "prix toutes taxes comprises"),
    ("paiement CB", "paiement carte bancaire"),
    ("Dr Lefèvre", "Docteur Lefèvre"),
    ("St-Jean", "Saint-Jean"),
    ("Ste-Foy", "Sainte-Foy"),
    # percentages, ordinals, symbols
    ("10 %", "dix pour cent"),
    ("10%", "dix pour cent"),
    ("-20 %", "moins vingt pour cent"),
    ("12,5 %", "douze virgule cinq pour cent"),
    ("le 2e étage", "le deuxième étage"),
    ("le 3ème", "le troisième"),
    ("la 1ère fois", "la première fois"),
    ("la 1re", "la première"),
    ("le 1er", "le premier"),
    ("la 2nde", "la seconde"),
    ("coupe & brushing", "coupe et brushing"),
    ("coupe + brushing", "coupe plus brushing"),
    ("courts/longs", "courts ou longs"),
    ("~30 €", "environ trente euros"),
    ("7j/7", "sept jours sur sept"),
    ("24h/24", "vingt-quatre heures sur vingt-quatre"),
    ("20°", "vingt degrés"),
    # e-mail and web
    ("bonjour@maison-margaux.fr", "bonjour arobase maison tiret margaux point f r"),
    ("jean.dupont_2@gmail.com", "jean point dupont tiret bas deux arobase gmail point com"),
    ("www.maison-margaux.fr", "trois w point maison tiret margaux point f r"),
    ("https://maison-margaux.fr/tarifs.", "maison tiret margaux point f r slash tarifs."),
    # plain numbers
    ("1 200 clientes", "mille deux cents clientes"),
    ("10 000", "dix mille"),
    ("21 personnes", "vingt et une personnes"),
    ("21 ans", "vingt et un ans"),
    ("2,5", "deux virgule cinq"),
    ("0,05", "zéro virgule zéro cinq"),
    ("69002 Lyon", "soixante-neuf mille deux Lyon"),
    ("007", "zéro zéro sept"),
    ("format A4", "format A quatre"),
    # ranges and units
    ("vers 17h-17h30", "vers dix-sept heures ou dix-sept heures trente"),
    ("entre 12h-14h", "entre midi et quatorze heures"),
    ("10-12h", "dix à midi"),
    ("80-100 €", "quatre-vingts à cent euros"),
    ("80 € - 100 €", "quatre-vingts euros à cent euros"),
    ("2-3 jours", "deux à trois jours"),
    ("à 300 m du métro", "à trois cents mètres du métro"),
    ("1 m", "un mètre"),
    ("1,5 km", "un virgule cinq kilomètres"),
    ("ils m'ont dit", "ils m'ont dit"),
    # text that needs nothing stays as it is
    ("Bonjour, comment puis-je vous aider ?", "Bonjour, comment puis-je vous aider ?"),
    ("Très bien, à mardi !", "Très bien, à mardi !"),
    ("", ""),
]


@pytest.mark.parametrize(("written", "spoken"), CASES)
def test_written_french_is_spelled_out_for_speech(written: str, spoken: str) -> None:
    assert normalize_for_tts(written) == spoken


def test_no_digit_or_symbol_reaches_the_tts_in_a_typical_reply() -> None:
    reply = (
        "Votre RDV est confirmé mardi 3/12 à 14h30 pour une couleur racines à 49 €, "
        "env. 1h de pose. Le salon est ouvert 9h30-19h. Pour toute question : 04 78 42 18 90."
    )
    spoken = normalize_for_tts(reply)
    assert not any(ch.isdigit() for ch in spoken)
    assert "€" not in spoken
    assert "quarante-neuf euros" in spoken
    assert "de neuf heures trente à dix-neuf heures" in spoken


def test_edges_whitespace_is_kept_so_streamed_pieces_join_up() -> None:
    assert normalize_for_tts("  54 € ") == "  cinquante-quatre euros "


LONG_TEXT = "\n".join(written for written, _ in CASES if written) + (
    "\nVotre RDV mardi 3/12 à 14h30 : coupe femme 12,50 €, 45 min. Rappel au "
    "06 12 34 56 78. Ouvert de 9h à 19h, le 3 déc. et le 5 janv. Écrivez à "
    "bonjour@maison-margaux.fr, etc. Merci Mme Dupont, M. Martin vous rappellera."
)


@pytest.mark.parametrize("seed", range(12))
def test_streaming_in_random_chunks_reads_exactly_like_the_whole_text(seed: int) -> None:
    rng = random.Random(seed)
    stream = SpeechStream()
    pieces, i = [], 0
    while i < len(LONG_TEXT):
        size = rng.randint(1, 9)
        pieces.append(stream.push(LONG_TEXT[i : i + size]))
        i += size
    pieces.append(stream.flush())
    assert "".join(pieces) == normalize_for_tts(LONG_TEXT)


def test_streaming_releases_text_before_the_end_of_the_reply() -> None:
    stream = SpeechStream()
    first = stream.push("Bonjour madame, votre rendez-vous coûte ")
    assert first == "Bonjour madame, votre rendez-vous "
    # a price split over chunks is held back until it is complete
    assert stream.push("12") == ""
    assert stream.push(",5") == ""
    assert stream.push("0 € merci") == ""
    assert stream.push(" beaucoup") == "coûte douze euros cinquante merci "
    assert stream.flush() == "beaucoup"


def test_a_phone_number_split_over_chunks_is_still_read_in_pairs() -> None:
    stream = SpeechStream()
    out = [stream.push(c) for c in ["Appelez le 06 ", "12 34", " 56 78", " demain."]]
    out.append(stream.flush())
    assert "".join(out) == (
        "Appelez le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit demain."
    )


def test_a_very_long_run_without_a_safe_cut_is_still_released() -> None:
    stream = SpeechStream()
    released = stream.push("12 " * 200)
    assert released  # held back at most a few hundred characters
    assert not any(ch.isdigit() for ch in released)


async def test_the_livekit_transform_maps_a_stream_of_chunks() -> None:
    async def chunks() -> AsyncIterator[str]:
        for piece in ["Votre ", "RD", "V est à 1", "4h", "30, pour 5", "4 €."]:
            yield piece

    transform = make_tts_transform()
    out = [piece async for piece in transform(chunks())]
    assert (
        "".join(out)
        == "Votre rendez-vous est à quatorze heures trente, pour cinquante-quatre euros."
    )


async def test_the_transform_yields_nothing_for_an_empty_reply() -> None:
    async def nothing() -> AsyncIterator[str]:
        return
        yield ""  # pragma: no cover

    assert [piece async for piece in make_tts_transform()(nothing())] == []


def test_speech_text_script_prints_one_spoken_line_per_input_line() -> None:
    env = dict(os.environ, BOOTSTRAP_QUIET="1")
    done = subprocess.run(
        [str(ROOT / "scripts" / "speech-text")],
        input="Coupe homme : 28 €, 30 min\n\nmardi 3/12 à 14h30\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Coupe homme : vingt-huit euros, trente minutes",
        "",
        "mardi trois décembre à quatorze heures trente",
    ]


def test_speech_text_rejects_unknown_arguments_with_usage_exit_code() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "speech", "--nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--help" in done.stderr


async def test_the_transform_plugs_into_livekit_text_transforms_after_its_filters() -> None:
    """The stream signature LiveKit expects, behind its markdown and emoji filters."""
    transforms = pytest.importorskip("livekit.agents.voice.transcription.text_transforms")

    async def llm_text() -> AsyncIterator[str]:
        for piece in ["**Votre RDV** est ", "mardi 3/", "12 à 14h", "30 😊, pour 5", "4 €."]:
            yield piece

    stream = transforms._apply_text_transforms(
        llm_text(), ["filter_markdown", "filter_emoji", make_tts_transform()]
    )
    spoken = "".join([piece async for piece in stream])
    assert "rendez-vous est mardi trois décembre à quatorze heures trente" in spoken
    assert "cinquante-quatre euros" in spoken
    assert "*" not in spoken and "😊" not in spoken


@pytest.mark.parametrize("seed", range(5))
def test_random_text_never_breaks_the_normaliser_and_leaves_no_digit(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "0123456789 hH€%:/.,-–+@()°nNmMéèàçRDVrdvenv\n'’1er2e "
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        spoken = normalize_for_tts(text)
        assert not any(ch.isdigit() or ch in "€%" for ch in spoken), (text, spoken)


def test_an_internal_error_speaks_the_text_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    import speech.normalise as speech

    def broken(text: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(speech, "apply_rules", broken)
    assert speech.normalize_for_tts("54 €") == "54 €"
