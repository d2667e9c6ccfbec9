"""Laying a digest out with Jinja2 templates: the package's, or a network's own.

A network overrides a template by putting a file of the same name in its ``templates``
folder: a Jinja2 ``ChoiceLoader`` looks there first, then in the package. The HTML templates
are autoescaped; in the Markdown templates every printed value is escaped for Markdown unless
a filter (``md_url``, ``md_paragraphs``) has already written it as Markdown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.ext import Extension
from markupsafe import escape

from rrma_core.errors import ConfigError
from rrma_digest._digest import Digest
from rrma_digest._text import MarkdownText, md_escape, md_url

__all__ = [
    "FORMATS",
    "TEMPLATES",
    "TEMPLATE_NAMES",
    "Format",
    "render_digest",
    "write_chunks",
    "write_digest",
]

#: The digest's formats.
Format = Literal["html", "markdown", "text"]

#: The main template of each format; the HTML one includes ``styles.html``, ``header.html``
#: and ``footer.html``, which can be overridden one by one.
FORMATS: dict[str, str] = {"html": "digest.html", "markdown": "digest.md", "text": "digest.txt"}

#: The package's own templates.
TEMPLATES = Path(__file__).parent / "templates"

#: How the digest's template files end (to find them in a traceback).
TEMPLATE_SUFFIXES = (".html", ".md", ".txt")

#: The names of the templates a network may override.
TEMPLATE_NAMES: tuple[str, ...] = tuple(sorted(p.name for p in TEMPLATES.iterdir() if p.is_file()))

_BATCH = 2048  # template chunks per write: tens of kilobytes
# French spaces that must not become line breaks: after « and before » ? ! : ;
_TIGHT = re.compile(r"(?<=«) | (?=[»?!:;])")
_STYLE = re.compile(r"\{\{\s*s\.(\w+)\s*\}\}")
_ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_ODD_SPACES = re.compile(r"[\t\n\r\f\v]| {2}")


def _md_finalize(value: Any) -> Any:
    if value is None or isinstance(value, MarkdownText):
        return value
    return md_escape(value)


def _paragraphs(text: str) -> list[str]:
    return [p for p in str(text).split("\n\n") if p.strip()]


def wrap(text: str, width: int = 72, indent: str = "", first: str | None = None) -> str:
    """Plain text wrapped at ``width``, every line indented (the first with ``first``).

    Lines break at ASCII spaces only: a no-break space (as after « or before : in French)
    holds its words together, and a word longer than a line stands on a line of its own.
    """
    text = str(text).strip()
    lead = first if first is not None else indent
    if len(lead) + len(text) <= width and "\n" not in text:  # the usual case: one short line
        return lead + text if text else ""
    lines: list[str] = []
    for number, paragraph in enumerate(_paragraphs(_TIGHT.sub("\u00a0", text))):
        if number:
            lines.append(indent.rstrip())
        line = lead if number == 0 else indent
        empty = True
        paragraph = paragraph.strip(" \t\n\r\f\v")
        odd = _ODD_SPACES.search(paragraph)  # usually none: words are one space apart
        words = _ASCII_SPACES.split(paragraph) if odd else paragraph.split(" ")
        for word in words:
            if empty:
                line += word
                empty = False
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = indent + word
        lines.append(line)
    return "\n".join(lines)


def md_paragraphs(text: str, indent: str = "") -> MarkdownText:
    """Plain text as Markdown paragraphs (escaped), each line indented by ``indent``."""
    return MarkdownText(f"\n{indent.rstrip()}\n".join(
        indent + md_escape(p) for p in _paragraphs(text)
    ))  # fmt: skip


class _InlineStyles(Extension):
    """Writes ``{{ s.name }}`` as the constant it names in ``styles.html``, once, when a
    template is compiled: the page is the same, without looking up and escaping every style
    again for every item of the digest.

    A style whose value is not a plain string without braces is left to be printed at
    render time, as are the templates that do not use ``s`` this way.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name == "styles.html" or "s." not in source:
            return source
        try:
            module = self.environment.get_template("styles.html").module
        except TemplateError:  # none, or broken: reported when the page imports it
            return source
        styles = {
            key: str(escape(value))
            for key, value in vars(module).items()
            if isinstance(value, str) and not key.startswith("_") and not set(value) & set("{}")
        }
        return _STYLE.sub(lambda m: styles.get(m[1], m[0]), source)


@functools.lru_cache(maxsize=16)
def environment(fmt: Format, override: str | None = None, stamp: float = 0.0) -> Environment:
    """The Jinja2 environment of ``fmt``, reading ``override`` (a folder) first if given.

    ``stamp`` is the override folder's last change: a new one gives a new environment, so
    that edited templates are read again (without a file check at every include).
    """
    loaders = [FileSystemLoader(override)] if override else []
    loaders.append(FileSystemLoader(TEMPLATES))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=fmt == "html",
        # Markdown: every printed value escaped. HTML: autoescaped. Text: the digest's values
        # are clean already (no control characters), and nothing in text needs escaping.
        finalize=_md_finalize if fmt == "markdown" else None,
        undefined=StrictUndefined,  # a typo in a network's template is an error, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=[_InlineStyles] if fmt == "html" else [],
    )
    env.filters["md_url"] = md_url
    env.filters["md_paragraphs"] = md_paragraphs
    env.filters["wrap"] = wrap
    return env


def render_digest(
    digest: Digest, fmt: Format = "html", templates: str | Path | None = None
) -> Iterator[str]:
    """Lay ``digest`` out in ``fmt``, as chunks of text (nothing is held whole).

    Args:
        digest: What [`build_digest`][rrma_digest.build_digest] made.
        fmt: ``"html"``, ``"markdown"`` or ``"text"``.
        templates: A folder whose templates take precedence over the package's.

    Raises:
        ConfigError: when a template is wrong (a syntax error, an unknown variable), naming
            the template and the line. A syntax error is found before anything is yielded.
    """
    template = _template(fmt, templates)
    return _generate(template.generate(digest=digest, t=digest.t))


def write_digest(
    digest: Digest, out: IO[bytes], fmt: Format = "html", templates: str | Path | None = None
) -> None:
    """Lay ``digest`` out in ``fmt`` and write it to ``out`` in UTF-8, as it is laid out.

    Raises:
        ConfigError: as [`render_digest`][rrma_digest.render_digest].
    """
    template = _template(fmt, templates)
    try:
        write_chunks(template.generate(digest=digest, t=digest.t), out)
    except TemplateError as error:
        raise _template_error(error) from None


def _template(fmt: Format, templates: str | Path | None) -> Template:
    """The main template of ``fmt``, every template it may include compiled (so that a broken
    override fails before the first byte is written)."""
    if templates is None:
        env = environment(fmt)
    else:
        folder = Path(templates).resolve()
        stamp = max([p.stat().st_mtime for p in folder.iterdir()], default=0.0)
        env = environment(fmt, str(folder), stamp)
    try:
        template = env.get_template(FORMATS[fmt])
        suffix = Path(FORMATS[fmt]).suffix
        for name in TEMPLATE_NAMES:
            if name.endswith(suffix):
                env.get_template(name)
    except TemplateError as error:
        raise _template_error(error) from None
    return template


def _generate(chunks: Iterator[str]) -> Iterator[str]:
    try:
        yield from chunks
    except TemplateError as error:
        raise _template_error(error) from None


def _template_error(error: TemplateError) -> ConfigError:
    where = ""
    if isinstance(error, TemplateSyntaxError):
        where = f"{error.filename or error.name}, line {error.lineno}: "
    else:
        # The innermost template frame of the traceback names the file and line.
        frame = error.__traceback__
        while frame is not None:
            code = frame.tb_frame.f_code
            if code.co_filename.endswith(TEMPLATE_SUFFIXES) and "<" not in code.co_filename:
                where = f"{code.co_filename}, line {frame.tb_lineno}: "
            frame = frame.tb_next
    return ConfigError(f"digest template {where}{type(error).__name__}: {error.message or error}")


def write_chunks(chunks: Iterable[str], out: IO[bytes]) -> None:
    """Write text ``chunks`` to ``out`` as UTF-8, a few thousand chunks (some kilobytes) at a
    time."""
    pending = iter(chunks)
    while batch := list(islice(pending, _BATCH)):
        out.write("".join(batch).encode("utf-8"))
