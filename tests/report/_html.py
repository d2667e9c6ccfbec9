"""A strict reading of the reports' HTML with the standard library's parser.

``parse`` checks that every element is closed, in order, that no end tag is stray, that void
elements (``img``, ``meta``...) have none, and that the page has one ``html``, ``head``,
``body`` and ``title``; it returns the element tree, which ``Node.find_all`` searches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


@dataclass
class Node:
    """An element: its tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The element's text, its white space collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def find_all(self, tag: str | None = None, class_: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (
                    class_ is None or class_ in child.classes
                ):
                    found.append(child)
                found.extend(child.find_all(tag, class_))
        return found

    def find(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> Node:
        for node in self.find_all(tag, class_):
            if all(node.attrs.get(k) == v for k, v in attrs.items()):
                return node
        raise AssertionError(f"no <{tag} class={class_!r} {attrs}> in the page")

    def rows(self) -> list[list[str]]:
        """A table's rows (header row included) as lists of cell texts."""
        return [[cell.text() for cell in tr.children if isinstance(cell, Node)]
                for tr in self.find_all("tr")]  # fmt: skip


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.doctype = False
        self.errors: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute: {names}")
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.errors.append(f"<{tag}/> is not a void element")
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"</{tag}> closes a void element")
            return
        if len(self.stack) == 1 or self.stack[-1].tag != tag:
            open_tag = self.stack[-1].tag
            self.errors.append(f"</{tag}> does not close the open <{open_tag}> at {self.getpos()}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The page's element tree; ``AssertionError`` naming the first problem of a page that is
    not well formed."""
    parser = _Strict()
    parser.feed(html)
    parser.close()
    assert parser.doctype, "the page does not start with <!DOCTYPE html>"
    assert not parser.errors, parser.errors[:5]
    assert len(parser.stack) == 1, f"unclosed elements: {[n.tag for n in parser.stack[1:]]}"
    for tag in ("html", "head", "body", "title"):
        assert len(parser.root.find_all(tag)) == 1, f"the page needs exactly one <{tag}>"
    return parser.root


def key_figures(page: Node) -> list[tuple[str, str, str | None]]:
    """The report's key figures: (value, label, change from the period before or ``None``)."""
    found = []
    for figure in page.find_all("div", "figure"):
        change = figure.find_all("span", "change")
        found.append(
            (
                figure.find("span", "value").text(),
                figure.find("span", "label").text(),
                change[0].text() if change else None,
            )
        )
    return found
