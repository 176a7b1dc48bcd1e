"""Unit tier: `salon.cli.french_parser` speaks French: help, usage line, argparse's errors."""

from __future__ import annotations

import pytest

from salon.cli import FrenchArgumentParser, french_error, french_parser


def _parser() -> FrenchArgumentParser:
    parser = french_parser(prog="scripts/exemple", description="Un exemple.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--liste", action="store_true", help="lister")
    what.add_argument("--nombre", type=int, metavar="N", help="un nombre")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    sub.add_parser("voir", help="voir une chose").add_argument("--jour", required=True)
    return parser


def test_the_help_is_french_from_the_usage_line_to_the_help_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        _parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert out.startswith("utilisation : scripts/exemple [-h]")
    assert "\noptions:\n" in out and "\narguments:\n" in out
    assert "-h, --help  afficher cette aide et quitter" in out
    assert "usage:" not in out and "show this help message" not in out
    assert "positional arguments" not in out


def test_a_subcommand_gets_the_french_help_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["--liste", "voir", "-h"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : scripts/exemple voir [-h] --jour JOUR")
    assert "afficher cette aide et quitter" in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "scripts/exemple : erreur : il faut l'une de ces options : --liste --nombre"),
        (["--nombre", "deux"], "erreur : --nombre : valeur invalide 'deux' : un nombre entier"),
        (["--liste", "--nombre", "2"], "erreur : --nombre : ne va pas avec --liste"),
        (["--liste", "--inconnue"], "erreur : arguments non reconnus : --inconnue"),
        (["--liste", "autre"], "erreur : COMMANDE : choix invalide 'autre' (au choix : 'voir')"),
        (["--liste", "voir"], "scripts/exemple voir : erreur : il manque : --jour"),
        (["--liste", "voir", "--jour"], "erreur : --jour : une valeur est attendue"),
    ],
)
def test_a_usage_error_is_one_french_line_after_the_usage_and_exits_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        _parser().parse_args(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert err.startswith("utilisation : ")
    assert says in err.splitlines()[-1]
    assert "error:" not in err


def test_a_message_worded_by_the_command_is_left_as_it_is() -> None:
    assert french_error("--json va avec --once") == "--json va avec --once"
    assert french_error("argument --day: date attendue") == "--day : date attendue"
