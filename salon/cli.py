"""The owner's command lines in French: an `argparse` parser whose help, usage line and
errors read in French (`utilisation :`, `options`, `afficher cette aide et quitter`,
`erreur :`), for `scripts/reindex`, `scripts/ask`, `python -m records`, `python -m booking`,
`python -m notify`, `scripts/doctor`, `scripts/jobs`, `scripts/crawl`, `scripts/serve`,
`scripts/webhook` and `scripts/setup-livekit-sip`.

argparse words its own texts in English. The section titles and the `-h` option are set
here; its error messages (missing argument, unknown option, invalid value…) are
translated when they are raised, the message a command words itself being already French.
Developer tools (`scripts/eval-retrieval`, `scripts/bench`, `python -m kb.calibrate`) keep
the plain English parser.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

USAGE = "utilisation : "
HELP = "afficher cette aide et quitter"

_TYPES = {
    "int": "un nombre entier est attendu",
    "float": "un nombre est attendu",
}


def _inner(message: str) -> str:
    """The part of an argparse error that follows `argument X:`."""
    if message == "expected one argument":
        return "une valeur est attendue"
    if message == "expected at least one argument":
        return "au moins une valeur est attendue"
    if message == "expected at most one argument":
        return "une seule valeur au plus"
    if m := re.fullmatch(r"expected (\d+) arguments?", message):
        return f"{m[1]} valeur(s) attendue(s)"
    if m := re.fullmatch(r"invalid (\w+) value: (.*)", message, re.S):
        return f"valeur invalide {m[2]} : {_TYPES.get(m[1], 'valeur non reconnue')}"
    if m := re.fullmatch(r"invalid choice: (.*?) \(choose from (.*)\)", message, re.S):
        return f"choix invalide {m[1]} (au choix : {m[2]})"
    if m := re.fullmatch(r"not allowed with argument (.*)", message):
        return f"ne va pas avec {m[1]}"
    if m := re.fullmatch(r"ignored explicit argument (.*)", message):
        return f"valeur inattendue {m[1]}"
    return message


def french_error(message: str) -> str:
    """An argparse error message in French; a message that is not argparse's own (already
    French, worded by the command) is returned as it is."""
    if m := re.fullmatch(r"the following arguments are required: (.*)", message, re.S):
        return f"il manque : {m[1]}"
    if m := re.fullmatch(r"unrecognized arguments: (.*)", message, re.S):
        return f"arguments non reconnus : {m[1]}"
    if m := re.fullmatch(r"one of the arguments (.*) is required", message, re.S):
        return f"il faut l'une de ces options : {m[1]}"
    if m := re.fullmatch(r"ambiguous option: (\S+) could match (.*)", message, re.S):
        return f"option ambiguë : {m[1]} peut désigner {m[2]}"
    if m := re.fullmatch(r"argument (.+?): (.*)", message, re.S):
        return f"{m[1]} : {_inner(m[2])}"
    return message


class FrenchArgumentParser(argparse.ArgumentParser):
    """An `ArgumentParser` that speaks French to the owner; sub-commands inherit it."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", help=HELP)

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        english: Callable[..., None] = formatter.add_usage

        def add_usage(usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            english(usage, actions, groups, USAGE if prefix is None else prefix)

        formatter.add_usage = add_usage  # type: ignore[method-assign]
        return formatter

    def error(self, message: str) -> NoReturn:
        """Usage line and one French error line on stderr, exit status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french_error(message)}\n")


def french_parser(**kwargs: Any) -> FrenchArgumentParser:
    """`argparse.ArgumentParser(**kwargs)` in French (see `FrenchArgumentParser`)."""
    return FrenchArgumentParser(**kwargs)
