"""Fixtures of the ``digest`` tests: the demo records, a fixed "now", a synced demo workspace,
and readers for what the digest writes (an HTML tree built with ``html.parser``, Markdown
rendered by markdown-it, the items of the plain text).

"Now" is Friday 27 November 2026, 09:00 in Paris: the day the demo samples are written
around, so the expected calls, days left and weeks below are read off the sample files.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from rrma_core.cli import main
from rrma_core.demo import ANCHOR
from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, Record, Resource
from rrma_digest import DigestExporter

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)
WORKSPACE = "Réseau de démonstration"

#: The demo's open calls at NOW, by closing date, with their days left.
OPEN_CALLS = [
    ("aap-region-ara-csi-2027", 63),
    ("aap-forim-osim-2027", 65),
    ("aap-region-bfc-solidarite-2027", 70),
    ("aap-metropole-lyon-si-ecsi-2027", 80),
    ("aap-meae-cooperation-decentralisee-2027", 91),
    ("aap-afd-innov-ong-2027", 105),
    ("aap-region-ara-ecsi-jeunesse-2027", 113),
    ("aap-isere-solidarite-2027", 124),
    ("aap-micro-projets-2027-s1", 126),
    ("aap-agence-eau-rmc-solidarite-2027", 139),
    ("aap-fondation-ras-petits-projets-2027", 185),
]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


def demo_records() -> list[Record]:
    """The demo's calls, events and resources, as the ``jsonl`` connector would store them."""
    records: list[Record] = []
    data = resources.files("rrma_core.demo").joinpath("data")
    for name, model in (("calls", CallForProjects), ("events", Event), ("resources", Resource)):
        for line in data.joinpath(f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            record_id = item.pop("id")
            records.append(model.parse(item).model_copy(update={"id": record_id}))
    return records


@pytest.fixture(scope="session")
def records() -> list[Record]:
    """The demo's records (do not modify them: shared by every test)."""
    return demo_records()


def render(
    records: Iterable[Record],
    fmt: str = "html",
    *,
    lang: str = "fr",
    now: datetime = NOW,
    workspace: str = WORKSPACE,
    **options: Any,
) -> tuple[str, int]:
    """The digest of ``records`` in ``fmt`` at ``now``, and the count the exporter returned."""
    exporter = DigestExporter(DigestExporter.parse_options({"format": fmt, **options}))
    out = io.BytesIO()
    ctx = ExportContext(workspace=workspace, timezone=PARIS, lang=lang, now=now)
    count = exporter.export(records, out, ctx)
    return out.getvalue().decode("utf-8"), count


# --- The demo workspace ----------------------------------------------------------------------


@dataclass
class DemoWorkspace:
    """A demo workspace synced by ``rrma demo``, and the shift of its samples' dates.

    Attributes:
        root: Its folder.
        shift: How many days the samples were moved by (a multiple of 7): the digest at
            ``NOW + shift`` says what the digest of the samples says at ``NOW``.
    """

    root: Path
    shift: timedelta

    @property
    def now(self) -> datetime:
        """NOW, moved as the samples were."""
        return NOW + self.shift


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> DemoWorkspace:
    """The demo workspace, synced once for every test (through the CLI, offline)."""
    root = tmp_path_factory.mktemp("digest-demo") / "ws"
    # As the demo server does: samples moved by whole weeks to the current week.
    shift = timedelta(days=7 * ((date.today() - ANCHOR).days // 7))
    main(["demo", str(root)])
    return DemoWorkspace(root, shift)


# --- Reading HTML ----------------------------------------------------------------------------


@dataclass
class Node:
    """An HTML element: its tag, attributes, children (nodes and text) and parent."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    def iter(self) -> Iterator[Node]:
        """This node and every element under it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """The elements called ``tag`` under (and including) this one."""
        return [
            n for n in self.iter()
            if n.tag == tag and all(n.attrs.get(k) == v for k, v in attrs.items())
        ]  # fmt: skip

    @property
    def text(self) -> str:
        """The text inside, white space collapsed (no-break spaces included)."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    """Builds a tree of ``Node`` and refuses HTML that is not well-formed: every element
    closed, in order (stricter than browsers, as e-mail clients can be)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.doctype: str | None = None
        self.comments: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        assert len(node.attrs) == len(attrs), f"repeated attribute in <{tag}>"
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@dataclass
class Page:
    """A parsed HTML document."""

    root: Node
    doctype: str | None
    comments: list[str]

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return self.root.find_all(tag, **attrs)


def parse_html(text: str) -> Page:
    """Parse ``text``; fails the test if an element is left open or closed out of order."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert [n.tag for n in builder.stack] == ["#document"], "elements left open"
    return Page(builder.root, builder.doctype, builder.comments)


def markdown_page(text: str) -> Page:
    """Markdown rendered by markdown-it (CommonMark, raw HTML allowed as in most renderers)."""
    return parse_html(MarkdownIt("commonmark", {"html": True}).render(text))


def item_title(cell: Node) -> Node | None:
    """The title paragraph of an item's cell (its first 16-pixel paragraph), if it is one."""
    for child in cell.children:
        style = child.attrs.get("style") or "" if isinstance(child, Node) else ""
        if isinstance(child, Node) and child.tag == "p" and "font-size:16px" in style:
            return child
    return None


def item_cells(page: Page) -> list[Node]:
    """The cells of the digest's items, in order."""
    return [td for td in page.find_all("td") if item_title(td) is not None]


def html_sections(page: Page) -> dict[str, list[tuple[str | None, str | None, str]]]:
    """The digest's items by section heading (h2): (week h3, département h4, item title).

    An item is a ``td`` whose first paragraph holds its title.
    """
    sections: dict[str, list[tuple[str | None, str | None, str]]] = {}
    current: str | None = None
    week: str | None = None
    place: str | None = None
    for node in page.root.iter():
        if node.tag == "h2":
            current, week, place = node.text, None, None
            sections[current] = []
        elif node.tag == "h3":
            week, place = node.text, None
        elif node.tag == "h4":
            place = node.text
        elif node.tag == "td" and current is not None:
            title = item_title(node)
            if title is not None:
                sections[current].append((week, place, title.text))
    return sections


def markdown_sections(page: Page) -> dict[str, list[tuple[str | None, str | None, str]]]:
    """The same as ``html_sections``, from a Markdown digest rendered to HTML: an item is a
    list item."""
    sections: dict[str, list[tuple[str | None, str | None, str]]] = {}
    current: str | None = None
    week: str | None = None
    place: str | None = None
    for node in page.root.iter():
        if node.tag == "h2":
            current, week, place = node.text, None, None
            sections[current] = []
        elif node.tag == "h3":
            week, place = node.text, None
        elif node.tag == "h4":
            place = node.text
        elif node.tag == "li" and current is not None:
            # "- **Annulé** — **[Title](url)**": the title is the last strong of the first line.
            first = next((c for c in node.children if isinstance(c, Node) and c.tag == "p"), node)
            strongs = [c for c in first.children if isinstance(c, Node) and c.tag == "strong"]
            sections[current].append((week, place, strongs[-1].text))
    return sections


def squash(text: str) -> str:
    """``text`` with white space collapsed (no-break spaces included)."""
    return re.sub(r"\s+", " ", text).strip()


Renderer = Callable[..., tuple[str, int]]
