"""``rrma schema``: print the JSON Schema of a model."""

from __future__ import annotations

import json
from pathlib import Path

import click

from rrma_core.models import MODELS, json_schema


@click.command()
@click.argument("model", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (with no MODEL: to this folder, one file per model).",
)
def schema(model: str | None, output: Path | None) -> None:
    """Print the JSON Schema of MODEL (such as Event or CallForProjects).

    With no MODEL, list the models; with no MODEL and --output DIR, write every schema into
    DIR as MODEL.schema.json.
    """
    if model is None:
        if output is None:
            for name, cls in MODELS.items():
                doc = (cls.__doc__ or "").strip().splitlines()[0]
                click.echo(f"{name:<18} {doc}")
            return
        output.mkdir(parents=True, exist_ok=True)
        for name in MODELS:
            path = output / f"{name}.schema.json"
            path.write_text(_dump(name), encoding="utf-8")
        click.echo(f"Wrote {len(MODELS)} schemas to {output}", err=True)
        return
    text = _dump(model)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


def _dump(model: str) -> str:
    return json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n"
