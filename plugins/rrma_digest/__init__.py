"""The ``digest`` exporter: a network's newsletter, from its calls, events and resources.

It writes the three parts of an information-relay newsletter: the calls for projects still
open, by closing date ("clôture dans 12 jours"), the events of the coming weeks, by week then
by département ("Semaine du 30 novembre 2026", "Rhône (69)"), and the resources published
lately. In French by default, in English with ``lang="en"``.

One exporter, three formats (option ``format``): ``html``, a page for e-mail (tables for the
layout, inline styles, no scripts and no external CSS), ``markdown`` and ``text`` (the plain
part of the same e-mail). The three come from one [`Digest`][rrma_digest.Digest] and always
hold the same items in the same order.

```console
$ rrma export digest -o lettre.html
$ rrma export digest -O format=markdown -O weeks=2 -o lettre.md
```

```python
from rrma_core import Workspace

with Workspace.open("resacoop") as ws:
    ws.export("digest", "newsletter.html", lang="en", max_calls=10)
```

The layout comes from Jinja2 templates (``digest.html``, ``styles.html``, ``header.html``,
``footer.html``, ``digest.md``, ``digest.txt``); a network overrides any of them with a file
of the same name in the folder given as option ``templates``.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.exporters import Exporter
from rrma_digest._catalogue import LANGS
from rrma_digest._digest import (
    CallItem,
    Digest,
    EventItem,
    PlaceGroup,
    ResourceItem,
    WeekGroup,
    build_digest,
)
from rrma_digest._exporter import DigestExporter, DigestOptions
from rrma_digest._render import TEMPLATES, render_digest, write_digest

__all__ = [
    "LANGS",
    "TEMPLATES",
    "CallItem",
    "Digest",
    "DigestExporter",
    "DigestOptions",
    "EventItem",
    "PlaceGroup",
    "ResourceItem",
    "WeekGroup",
    "build_digest",
    "render_digest",
    "write_digest",
]


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``digest`` exporter."""
    return [DigestExporter]
