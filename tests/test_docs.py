"""The documentation stays in step with the code.

- Every public name is documented in the API reference (in the spirit of httpx's
  ``tests/test_exported_members.py``), and every ``:::`` directive names a real object.
- The navigation of ``mkdocs.yml`` and the Markdown files of ``docs/`` match, both ways.
- The code examples of the guides run, in order, and their ``>>>`` outputs are right.
- The ``rrma ... --help`` outputs pasted in the command-line page are the real ones.
- Every dependency declared in ``pyproject.toml`` is explained in ``docs/dependencies.md``.

The strict ``mkdocs build`` (run by CI) checks links, anchors and docstrings; these tests are
the fast part, run with the rest of the suite.
"""

from __future__ import annotations

import doctest
import importlib
import re
import shlex
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

import rrma_core
import rrma_core._http
import rrma_core.config
import rrma_core.connectors
import rrma_core.dataframes
import rrma_core.errors
import rrma_core.exporters
import rrma_core.models
import rrma_core.storage
import rrma_core.testing
import rrma_core.vocabularies

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

#: Pages whose Python examples are executed, each in a namespace of its own.
EXECUTED_PAGES = [
    "index.md",
    "getting-started.md",
    "concepts.md",
    "models.md",
    "vocabularies.md",
    "workspace.md",
    "sync.md",
    "campaigns.md",
    "spaces.md",
    "trainings.md",
    "personal-data.md",
    "charts.md",
    "report.md",
]

# --- Markdown helpers ------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


def fenced_blocks(text: str) -> list[tuple[str, str, int]]:
    """Every fenced code block of ``text``: (language, code, line number of its first line)."""
    blocks = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = (opening["info"].split() or [""])[0].lstrip(".").lower()
        body: list[str] = []
        start = index + 1
        index += 1
        while index < len(lines):
            closing = _FENCE.match(lines[index])
            if closing and closing["fence"].startswith(fence) and not closing["info"].strip():
                break
            body.append(lines[index])
            index += 1
        index += 1
        code = textwrap.dedent("\n".join(body)) if indent else "\n".join(body)
        blocks.append((language, code + "\n", start + 1))
    return blocks


_DIRECTIVE = re.compile(r"^:::[ \t]+(?P<path>[\w.]+)[ \t]*$")


def directives(page: Path) -> list[tuple[str, list[str]]]:
    """The ``::: path`` directives of a page, each with its ``members`` option (if any)."""
    found: list[tuple[str, list[str]]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match is None:
            continue
        options = []
        for following in lines[number + 1 :]:
            if following.strip() and not following.startswith(" "):
                break
            options.append(following)
        found.append((match["path"], _members_option(options)))
    return found


def _members_option(options: list[str]) -> list[str]:
    """The names in a directive's ``members:`` option, inline (``[a, b]``) or as a list."""
    for number, line in enumerate(options):
        key, _, value = line.strip().partition(":")
        if key != "members":
            continue
        value = value.strip()
        if value.startswith("["):
            return [name.strip(" '\"") for name in value.strip("[]").split(",") if name.strip()]
        names = []
        for item in options[number + 1 :]:
            stripped = item.strip()
            if not stripped:
                continue
            if not stripped.startswith("- "):
                break
            names.append(stripped[2:].strip().strip("'\""))
        return names
    return []


def documented_paths() -> set[str]:
    """Dotted paths of every object the reference pages render."""
    paths: set[str] = set()
    for page in sorted(REFERENCE.glob("*.md")):
        for path, members in directives(page):
            paths.add(path)
            paths.update(f"{path}.{member}" for member in members)
    return paths


# --- 1. Every public name is in the reference ------------------------------------------------


def _exports(module: Any) -> list[tuple[str, str]]:
    return [(module.__name__, name) for name in module.__all__]


@pytest.mark.parametrize(
    ("module", "name"),
    [
        *_exports(rrma_core.models),
        *_exports(rrma_core.vocabularies),
        *_exports(rrma_core.errors),
        *_exports(rrma_core.config),
        *_exports(rrma_core.connectors),
        *_exports(rrma_core.exporters),
        *_exports(rrma_core.storage),
        *_exports(rrma_core.testing),
        *_exports(rrma_core.dataframes),
        # Private, but what a connector author meets: its public classes are documented.
        *_exports(rrma_core._http),
    ],
)
def test_exported_member_is_documented(module: str, name: str) -> None:
    assert f"{module}.{name}" in documented_paths(), (
        f"{module}.{name} is public (in __all__) but no page of docs/reference/ renders it: "
        f"add '::: {module}.{name}' or list it in the members of '::: {module}'"
    )


@pytest.mark.parametrize("name", rrma_core.__all__)
def test_top_level_export_is_documented(name: str) -> None:
    """What ``rrma_core`` exports is documented where it is defined, or on the index page."""
    documented = {path.rsplit(".", 1)[-1] for path in documented_paths()}
    assert name in documented, f"rrma_core.{name} is exported but not in docs/reference/"
    index = (REFERENCE / "index.md").read_text(encoding="utf-8")
    assert f"`{name}`" in index, f"rrma_core.{name} is missing from docs/reference/index.md"


def _resolve(path: str) -> object:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(path)


@pytest.mark.parametrize("path", sorted(documented_paths()))
def test_reference_directive_names_a_real_object(path: str) -> None:
    _resolve(path)


# --- 2. Navigation and files match -----------------------------------------------------------


def _nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def nav_pages() -> list[str]:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = [page for page in _nav_pages(config["nav"]) if not page.startswith(("http:", "https:"))]
    assert pages, "mkdocs.yml has no nav"
    return pages


def test_every_nav_page_exists() -> None:
    missing = [page for page in nav_pages() if not (DOCS / page).is_file()]
    assert not missing, f"in the nav of mkdocs.yml but not in docs/: {missing}"


def test_every_page_is_in_the_nav() -> None:
    pages = set(nav_pages())
    on_disk = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert not on_disk - pages, f"in docs/ but not in the nav of mkdocs.yml: {on_disk - pages}"
    assert len(pages) == len(nav_pages()), "a page is listed twice in the nav"


# --- 3. The examples run ---------------------------------------------------------------------


@pytest.mark.parametrize("page", EXECUTED_PAGES)
def test_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``python`` blocks run and the ``>>>`` blocks pass, in order, in one namespace."""
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    path = DOCS / page
    namespace: dict[str, Any] = {"__name__": f"docs.{page}"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    ran = 0
    for language, code, line in fenced_blocks(path.read_text(encoding="utf-8")):
        if language not in {"python", "py", "pycon"}:
            continue
        where = f"{path.relative_to(ROOT)}:{line}"
        ran += 1
        if code.lstrip().startswith(">>>"):
            test = parser.get_doctest(code, namespace, where, str(path), line - 1)
            report: list[str] = []
            result = runner.run(test, out=report.append, clear_globs=False)
            namespace.update(test.globs)
            assert result.failed == 0, f"example at {where} fails:\n" + "".join(report)
        else:
            try:
                exec(compile(code, where, "exec"), namespace)
            except Exception as error:
                pytest.fail(f"example at {where} raises {error!r}")
    assert ran, f"{page} has no Python example"


# --- 4. The pasted --help outputs are current ------------------------------------------------


def help_blocks() -> list[tuple[list[str], str, int]]:
    """Console blocks of cli.md that show ``$ rrma ... --help``: (arguments, output, line)."""
    found = []
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for language, code, line in fenced_blocks(text):
        first, _, output = code.partition("\n")
        if language == "console" and first.startswith("$ rrma ") and first.endswith("--help"):
            found.append((shlex.split(first[2:])[1:], output, line))
    return found


@pytest.mark.parametrize(
    ("args", "expected", "line"),
    help_blocks(),
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_cli_help_is_current(
    args: list[str],
    expected: str,
    line: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rrma_core.cli import main

    # As in a terminal at least 100 columns wide (the CLI caps its help at 100 columns).
    monkeypatch.setenv("COLUMNS", "200")
    try:
        status = main(args)
    except SystemExit as exit_:
        status = exit_.code
    assert status in (0, None), f"rrma {' '.join(args)} exits with {status}"
    actual = "\n".join(text.rstrip() for text in capsys.readouterr().out.strip().splitlines())
    pasted = "\n".join(text.rstrip() for text in expected.strip().splitlines())
    assert actual == pasted, f"docs/cli.md:{line} shows an old 'rrma {' '.join(args)}'"


def test_cli_page_shows_every_help() -> None:
    shown = {" ".join(args) for args, _, _ in help_blocks()}
    from rrma_core.cli import cli

    wanted = {"--help"} | {f"{name} --help" for name in cli.commands}
    assert wanted <= shown, f"docs/cli.md lacks the output of: {sorted(wanted - shown)}"


# --- 5. Every dependency is explained --------------------------------------------------------


def declared_dependencies() -> list[str]:
    """Names of the runtime dependencies and of every extra's, from ``pyproject.toml``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    names = {re.match(r"[A-Za-z0-9._-]+", requirement)[0] for requirement in requirements}
    return sorted(name for name in names if name.lower() != project["name"].lower())


@pytest.mark.parametrize("name", declared_dependencies())
def test_dependency_is_explained(name: str) -> None:
    page = (DOCS / "dependencies.md").read_text(encoding="utf-8").casefold()
    assert re.search(rf"(?<![\w-]){re.escape(name.casefold())}(?![\w-])", page), (
        f"{name} is a dependency in pyproject.toml but docs/dependencies.md does not say why"
    )


# --- 6. The tables generated from the vocabularies are current --------------------------------


def test_vocabulary_overview_matches_the_registry() -> None:
    from rrma_core.vocabularies import builtin_registry

    text = (DOCS / "vocabularies.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (open|closed) \| (\d+) \|", text, re.MULTILINE)
    shown = {name: (kind, int(count)) for name, kind, count in rows}
    actual = {
        vocabulary.name: ("open" if vocabulary.extendable else "closed", len(vocabulary))
        for vocabulary in builtin_registry()
    }
    assert shown == actual, "the table of docs/vocabularies.md no longer matches the code"


def test_regions_table_matches_the_vocabulary() -> None:
    text = (DOCS / "vocabularies.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\d\d)` \| ([^|]+?) \| ([^|]+?) \| `([^`]+)` \|", text, re.MULTILINE)
    shown = [(code, fr, en, tz) for code, fr, en, tz in rows]
    regions = rrma_core.get_vocabulary("regions")
    actual = [(t.code, t.label("fr"), t.label("en"), t.data["timezone"]) for t in regions]
    assert shown == actual, "the table of the 18 regions in docs/vocabularies.md is out of date"
