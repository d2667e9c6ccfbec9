"""``rrma vocab``: list vocabularies and their terms."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from rrma_core.cli._output import format_option
from rrma_core.vocabularies import current_registry


@click.command()
@click.argument("name", required=False)
@click.option("--lang", default="fr", show_default=True, help="Language of the labels.")
@format_option(["table", "json"], help=None)
def vocab(name: str | None, lang: str, fmt: str) -> None:
    """List the vocabularies, or the terms of vocabulary NAME (such as sdg or departements)."""
    registry = current_registry()
    console = Console()
    if name is None:
        rows: list[dict[str, str]] = [
            {
                "name": v.name,
                "terms": str(len(v)),
                "extendable": "yes" if v.extendable else "",
                "title": v.title.get(lang, v.name),
            }
            for v in registry
        ]
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table("name", "terms", "extendable", "title")
        for row in rows:
            table.add_row(row["name"], row["terms"], row["extendable"], row["title"])
        console.print(table)
        return
    vocabulary = registry.get(name)
    if fmt == "json":
        terms = [
            {
                "code": t.code,
                "label": t.label(lang),
                **({"parent": t.parent} if t.parent else {}),
                **({"data": dict(t.data)} if t.data else {}),
            }
            for t in vocabulary
        ]
        click.echo(json.dumps(terms, ensure_ascii=False, indent=2, default=str))
        return
    table = Table("code", "label", "parent", title=vocabulary.title.get(lang, name))
    for term in vocabulary:
        table.add_row(term.code, term.label(lang), term.parent or "")
    console.print(table)
