"""HTML loader (BeautifulSoup + lxml): the page's main content, without boilerplate.

The content root is `<main>`, else `[role=main]`, else the only `<article>`, else `<body>`.
Dropped: scripts, styles, navigation, site header and footer, forms, asides, cookie and
consent banners, pop-ups, newsletter and social blocks, and anything hidden. Headings
become the section path; tables become one row block per `<tr>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from ingest.document import Document, LoadError, clean_text, title_from_filename
from ingest.seasons import period_header
from ingest.text_loader import decode_bytes

ALWAYS_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "form",
    "nav",
    "aside",
    "input",
    "select",
    "textarea",
    "dialog",
    "object",
    "embed",
)
# Class/id fragments of consent managers and pop-ups: matched anywhere in a token.
BOILERPLATE_ANYWHERE = re.compile(
    r"cookie|consent|gdpr|rgpd|tarteaucitron|didomi|onetrust|axeptio|newsletter|popup|pop-up",
    re.IGNORECASE,
)
# Shorter words matched as whole tokens only ("ads" must not match "roads").
BOILERPLATE_TOKEN = re.compile(
    r"(^|[\s_-])(banner|modal|social|share|sharing|partage|breadcrumbs?|skip-link|sr-only|"
    r"visually-hidden|advert|ads|subscribe|sidebar|navbar|topbar|offcanvas)($|[\s_-])",
    re.IGNORECASE,
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_LEAVES = {"p", "li", "dt", "dd", "blockquote", "figcaption", "address", "pre", "caption"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "br", "img", "label", "del", "ins",
}  # fmt: skip


def _is_boilerplate(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    if tag.get("role") in ("navigation", "banner", "contentinfo", "search", "dialog"):
        return True
    raw_classes: object = tag.get("class") or []
    classes: list[str] = (
        [str(c) for c in raw_classes] if isinstance(raw_classes, list) else [str(raw_classes)]
    )
    marks = " ".join([*classes, str(tag.get("id", ""))])
    return bool(BOILERPLATE_ANYWHERE.search(marks) or BOILERPLATE_TOKEN.search(marks))


def _content_root(soup: BeautifulSoup) -> Tag:
    for candidate in (
        soup.find("main"),
        soup.find(True, attrs={"role": "main"}),
    ):
        if isinstance(candidate, Tag):
            return candidate
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    body = soup.body
    return body if isinstance(body, Tag) else soup


MAX_DEPTH = 100  # elements nested deeper than this are read as their plain text


def _flatten_deep(soup: Tag) -> bool:
    """Replace what sits deeper than `MAX_DEPTH` elements by its plain text, so every later
    step (recursive reading, parent lookups) stays linear; True when anything was. A page
    nested 100 000 levels deep is hostile; no real page needs more than a few dozen."""
    flattened = False
    stack = [(soup, 0)]
    while stack:
        tag, depth = stack.pop()
        if depth >= MAX_DEPTH:
            text = tag.get_text(" ", strip=True)
            tag.clear()
            if text:
                tag.append(NavigableString(text))
            flattened = True
            continue
        stack.extend((child, depth + 1) for child in tag.children if isinstance(child, Tag))
    return flattened


def _strip(root: Tag) -> None:
    for tag in root.find_all(ALWAYS_DROP):
        tag.decompose()
    for tag in root.find_all(["header", "footer"]):
        # keep a page's or article's own header (its h1, date); drop site-wide ones
        if tag.name == "header" and tag.find_parent(["article", "main"]) is not None:
            continue
        tag.decompose()
    for button in root.find_all("button"):
        if not _is_question_toggle(button) and button.find_parent(list(HEADINGS)) is None:
            button.decompose()  # "Tout accepter", "Envoyer": controls, not content
    stack = [root]  # one pass, never into a removed subtree: linear in the page's size
    while stack:
        for child in list(stack.pop().children):
            if isinstance(child, Tag):
                if _is_boilerplate(child):
                    child.decompose()
                else:
                    stack.append(child)
    for node in root.find_all(string=lambda s: isinstance(s, Comment | ProcessingInstruction)):
        node.extract()
    for br in root.find_all("br"):
        br.replace_with(NavigableString(LINE_BREAK))


def _table(doc: Document, table: Tag) -> None:
    rows: list[list[str]] = []
    header: list[str] | None = None
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a row of a nested table
        cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("table") is table]
        if not cells:
            continue
        texts = [c.get_text(" ", strip=True) for c in cells]
        if all(c.name == "th" for c in cells) and (
            tr.find_parent("thead") is not None or (len(cells) > 1 and tr is table.find("tr"))
        ):
            header = header or texts  # the header row: a row of labels, not a fact
            continue
        if header is not None and len(cells) > 1 and period_header(header):
            # A value spanning season columns holds for each: "Lundi | Fermé (colspan 2)".
            texts = [t for c, t in zip(cells, texts, strict=True) for _ in range(_span(c))]
        rows.append(texts)
    doc.table(rows, header=header)


def _span(cell: Tag) -> int:
    try:
        return max(1, min(int(str(cell.get("colspan") or 1)), 20))
    except ValueError:
        return 1


def _definitions(doc: Document, dl: Tag) -> None:
    """`<dt>Coupe homme</dt><dd>28 €</dd>` → the row "Coupe homme — 28 €"."""
    term: str | None = None
    for child in dl.find_all(["dt", "dd"]):
        text = child.get_text(" ", strip=True)
        if child.name == "dt":
            if term:
                doc.text(term)
            term = text
        elif term is not None and len(text) <= 150:
            doc.row([term, text])
            term = None
        else:
            doc.text(f"{term} : {text}" if term else text)
            term = None
    if term:
        doc.text(term)


LINE_BREAK = "\ue000"  # stands for <br>: "Coupe 28 €<br>Brushing 25 €" stays two lines


def _lines(doc: Document, text: str) -> None:
    for line in text.split(LINE_BREAK):
        doc.text(line)


_TOGGLE = re.compile(r"accordion|faq|toggle|collapse|question", re.IGNORECASE)


def _is_question_toggle(tag: Tag) -> bool:
    """An FAQ accordion's button (its text is the question)."""
    marks = " ".join(str(v) for v in (tag.get("class") or [])) + " " + str(tag.get("id", ""))
    return (
        tag.has_attr("aria-expanded")
        or tag.has_attr("aria-controls")
        or bool(_TOGGLE.search(marks))
    )


def _is_question_paragraph(tag: Tag) -> bool:
    """`<p><strong>Acceptez-vous les chèques ?</strong></p>`: a question used as a heading."""
    text = tag.get_text(" ", strip=True)
    if not text or len(text) > 150 or tag.name != "p":
        return False
    strong = tag.find(["strong", "b"])
    only_bold = strong is not None and strong.get_text(" ", strip=True) == text
    return only_bold and text.endswith(("?", ":"))


def _walk(doc: Document, node: Tag, base: list[int] | None = None) -> None:
    """Emit `node`'s content in reading order. `base[0]` is the level of the latest real
    heading, so FAQ questions (summary, accordion buttons, bold questions) nest under it."""
    base = base if base is not None else [doc.level()]
    inline: list[str] = []

    def flush() -> None:
        if inline:
            _lines(doc, " ".join(inline))
            inline.clear()

    for child in node.children:
        if isinstance(child, Doctype | Comment):
            continue
        if isinstance(child, NavigableString):
            if child.strip():
                inline.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in INLINE:
            text = child.get_text(" ", strip=True)
            if text:
                inline.append(text)
            continue
        flush()
        if name in HEADINGS:
            doc.heading(child.get_text(" ", strip=True), HEADINGS[name])
            base[0] = HEADINGS[name]
        elif name in ("summary", "button") or (name == "p" and _is_question_paragraph(child)):
            doc.heading(child.get_text(" ", strip=True), base[0] + 1)
        elif name == "table":
            _table(doc, child)
        elif name == "dl":
            _definitions(doc, child)
        elif name in BLOCK_LEAVES and not child.find(["p", "ul", "ol", "table", "div"]):
            _lines(doc, child.get_text(" ", strip=True))
        else:
            _walk(doc, child, base)
    flush()


def load_html(path: Path) -> Document:
    """Read an HTML page into a `Document`; raises `LoadError` when it has no content."""
    raw = path.read_bytes()
    if not raw.strip():
        raise LoadError("empty file", status="skipped")
    text, warning = decode_bytes(raw, declared=_declared_charset(raw))
    soup = BeautifulSoup(text, "lxml")
    deep = _flatten_deep(soup)
    page_title = clean_text(soup.title.get_text()) if soup.title else ""
    root = _content_root(soup)
    _strip(root)
    h1 = root.find("h1")
    title = clean_text(h1.get_text(" ", strip=True)) if isinstance(h1, Tag) else ""
    if not title:
        title = page_title.split(" | ")[0].strip() or title_from_filename(path.name)
    doc = Document(title=title)
    if warning:
        doc.warnings.append(warning)
    if deep:
        doc.warnings.append(
            f"elements nested more than {MAX_DEPTH} levels deep: read as plain text"
        )
    _walk(doc, root)
    if not any(b.type != "heading" for b in doc.blocks):
        raise LoadError("no readable content in the page (only boilerplate or scripts)")
    return doc


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _declared_charset(raw: bytes) -> str | None:
    match = _CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii").lower() if match else None
