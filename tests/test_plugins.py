"""Plugins: discovery, selection, failures, clashes, hooks, tracing, ``rrma plugins``, docs.

Plugins here are real: files written to a temporary folder, and a real installed distribution
(a ``*.dist-info`` folder on ``sys.path``) for entry points. Nothing of importlib is mocked.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import json
import re
import sys
import textwrap
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import click
import pydantic
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

import rrma_core
from rrma_core import Actor, Event, hookspecs
from rrma_core._http import HTTPPolicy, SafeSession
from rrma_core._plugins import (
    ENTRY_POINT_GROUP,
    ENV_DISABLE,
    ENV_ONLY,
    ENV_STRICT,
    ENV_TRACE,
    PluginInfo,
    Plugins,
    PluginWarning,
    load_plugins,
)
from rrma_core.cli._plugins import add_plugin_commands, plugins_command
from rrma_core.connectors import FetchContext
from rrma_core.errors import PluginError
from rrma_core.hookspecs import hookimpl
from rrma_core.sync import SourceReport, SyncReport
from rrma_core.vocabularies import builtin_registry, use_registry

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "plugins.md"
SRC = ROOT / "src" / "rrma_core"

# --- helpers ---------------------------------------------------------------------------------

#: A complete connector; NAME is replaced by the connector's name.
CONNECTOR = """
from __future__ import annotations

from rrma_core import Event, hookimpl
from rrma_core.connectors import Connector, FetchContext, Options


class AgendaOptions(Options):
    url: str


class Agenda(Connector[AgendaOptions]):
    name = "NAME"
    record_type = Event
    Options = AgendaOptions

    def fetch(self, ctx: FetchContext):
        yield {"title": "Ciné-débat", "occurrences": [{"start": "2026-11-20"}]}


@hookimpl
def rrma_connectors():
    return [Agenda]
"""


def connector_source(name: str) -> str:
    return CONNECTOR.replace("NAME", name)


def write_plugin(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def names(plugins: Plugins) -> list[str]:
    return [info.name for info in plugins.info()]


@pytest.fixture(autouse=True)
def _no_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The developer's own RRMA_* variables must not change these tests; imports are undone."""
    for variable in (ENV_ONLY, ENV_DISABLE, ENV_STRICT, ENV_TRACE):
        monkeypatch.delenv(variable, raising=False)
    before = set(sys.modules)
    yield
    for module in set(sys.modules) - before:
        if module.startswith(("rrma_plugins_dir.", "rrma_test_ep_")):
            del sys.modules[module]


@pytest.fixture
def distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Install a real distribution (a dist-info folder on sys.path) declaring entry points."""

    def install(
        entry_points: dict[str, str],
        modules: dict[str, str],
        *,
        name: str = "rrma-test-network",
        version: str = "1.2.3",
    ) -> None:
        site = tmp_path / "site-packages"
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "".join(f"{ep} = {value}\n" for ep, value in entry_points.items())
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}", encoding="utf-8")
        for module, source in modules.items():
            (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        monkeypatch.syspath_prepend(str(site))
        importlib.invalidate_caches()
        found = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        assert set(entry_points) <= found, "importlib.metadata does not see the distribution"

    return install


def unique_module() -> str:
    return f"rrma_test_ep_{uuid.uuid4().hex[:8]}"


# --- discovery -------------------------------------------------------------------------------


def test_entry_point_plugin_is_found_with_its_distribution_and_version(distribution: Any) -> None:
    module = unique_module()
    distribution(
        {"test_network": module, "test_object": f"{module}:matcher"},
        {
            module: connector_source("test-network-agenda")
            + textwrap.dedent(
                """
                class Matcher:
                    @hookimpl
                    def rrma_match_record(self, record, candidates):
                        return None

                matcher = Matcher()
                """
            )
        },
    )
    plugins = load_plugins(environ={})
    infos = {info.name: info for info in plugins.info()}
    assert infos["test_network"] == PluginInfo(
        name="test_network",
        version="1.2.3",
        origin="entry point rrma-test-network",
        hooks=("rrma_connectors",),
    )
    assert infos["test_object"].hooks == ("rrma_match_record",)
    assert plugins.connectors()["test-network-agenda"].__module__ == module


def test_folder_plugins_load_sorted_by_name_and_skip_private_files(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    write_plugin(folder, "b_second", connector_source("second"))
    write_plugin(folder, "a_first", connector_source("first"))
    write_plugin(folder, "_helpers", "raise RuntimeError('a private file is never imported')")
    write_plugin(folder, ".#a_first", "raise RuntimeError('nor is an editor lock file')")
    (folder / "notes.txt").write_text("not a plugin", encoding="utf-8")

    plugins = load_plugins([folder], environ={"RRMA_PLUGINS": "a_first,b_second"})

    assert names(plugins) == ["a_first", "b_second"]
    first = plugins.info()[0]
    assert first.origin == f"file {folder / 'a_first.py'}"
    assert first.version is None
    assert sorted(plugins.connectors()) == ["first", "second"]


def test_folder_that_does_not_exist_is_ignored(tmp_path: Path) -> None:
    plugins = load_plugins([tmp_path / "no-such-folder"], environ={"RRMA_PLUGINS": ""})
    assert plugins.info() == []


def test_folder_plugin_may_use_dataclasses_and_declare_its_version(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "versioned",
        """
        from __future__ import annotations

        from dataclasses import dataclass
        from typing import ClassVar

        from rrma_core import hookimpl

        __version__ = "0.3"


        @dataclass
        class Settings:  # dataclasses need the module in sys.modules to read ClassVar
            kind: ClassVar[str] = "demo"
            retries: int = 2


        @hookimpl
        def rrma_match_record(record, candidates):
            return None
        """,
    )
    (info,) = load_plugins([tmp_path], strict=True, environ={"RRMA_PLUGINS": "versioned"}).info()
    assert (info.name, info.version) == ("versioned", "0.3")


def test_rrma_plugins_restricts_what_loads_by_plugin_or_distribution_name(
    tmp_path: Path, distribution: Any
) -> None:
    module = unique_module()
    distribution({"test_network": module}, {module: connector_source("test-network-agenda")})
    write_plugin(tmp_path, "agenda", connector_source("folder-agenda"))
    write_plugin(tmp_path, "other", connector_source("other-agenda"))

    only_file = load_plugins([tmp_path], environ={ENV_ONLY: "agenda"})
    assert names(only_file) == ["agenda"]

    # Distribution names work too, and case or -/_ do not matter.
    by_distribution = load_plugins([tmp_path], environ={ENV_ONLY: "RRMA_Test_Network, other"})
    assert names(by_distribution) == ["test_network", "other"]


def test_rrma_plugins_set_but_empty_loads_nothing(tmp_path: Path) -> None:
    write_plugin(tmp_path, "agenda", connector_source("folder-agenda"))
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: ""})
    assert plugins.info() == []
    assert plugins.connectors() == {}  # not even the built-in connectors


def test_rrma_plugins_naming_nothing_is_warned_about(tmp_path: Path) -> None:
    write_plugin(tmp_path, "agenda", connector_source("folder-agenda"))
    with pytest.warns(PluginWarning, match="RRMA_PLUGINS names agend, which no installed"):
        plugins = load_plugins([tmp_path], environ={ENV_ONLY: "agend"})
    assert plugins.info() == []


def test_rrma_disable_plugins_keeps_plugins_out(tmp_path: Path, distribution: Any) -> None:
    module = unique_module()
    distribution({"test_network": module}, {module: connector_source("test-network-agenda")})
    write_plugin(tmp_path, "agenda", connector_source("folder-agenda"))
    write_plugin(tmp_path, "other", connector_source("other-agenda"))

    plugins = load_plugins([tmp_path], environ={ENV_DISABLE: "test-network,agenda"})

    loaded = names(plugins)
    assert "other" in loaded
    assert "agenda" not in loaded
    assert "test_network" not in loaded
    # RRMA_DISABLE_PLUGINS wins over RRMA_PLUGINS.
    both = load_plugins([tmp_path], environ={ENV_ONLY: "agenda,other", ENV_DISABLE: "other"})
    assert names(both) == ["agenda"]


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("def rrma_connectors(:\n    pass\n", "SyntaxError"),
        ("import rrma_no_such_package\n", "ModuleNotFoundError: No module named"),
        ("raise RuntimeError('the API key is missing')\n", "RuntimeError: the API key is missing"),
    ],
    ids=["syntax-error", "import-error", "raises"],
)
def test_a_plugin_file_that_fails_to_import_is_skipped_with_a_warning(
    tmp_path: Path, source: str, error: str
) -> None:
    broken = write_plugin(tmp_path, "broken", source)
    write_plugin(tmp_path, "working", connector_source("working-agenda"))

    with pytest.warns(PluginWarning) as record:
        plugins = load_plugins([tmp_path], environ={ENV_ONLY: "broken,working"})

    (warning,) = record
    message = str(warning.message)
    assert message.startswith(f"plugin 'broken' (file {broken}) failed to load: ")
    assert error in message
    assert message.endswith("; skipped")
    assert names(plugins) == ["working"]
    assert list(plugins.connectors()) == ["working-agenda"]
    assert not any(m.startswith("rrma_plugins_dir.broken") for m in sys.modules)


def test_an_entry_point_that_fails_to_import_is_skipped_with_a_warning(
    tmp_path: Path, distribution: Any
) -> None:
    module = unique_module()
    distribution({"test_network": module}, {module: "import rrma_no_such_package\n"})
    write_plugin(tmp_path, "working", connector_source("working-agenda"))
    with pytest.warns(
        PluginWarning, match=r"plugin 'test_network' \(entry point rrma-test-network"
    ):
        plugins = load_plugins([tmp_path], environ={ENV_ONLY: "test_network,working"})
    assert names(plugins) == ["working"]


def test_strict_mode_makes_a_failing_plugin_an_error(tmp_path: Path) -> None:
    write_plugin(tmp_path, "broken", "import rrma_no_such_package\n")
    environ = {ENV_ONLY: "broken"}

    with pytest.raises(PluginError, match=r"plugin 'broken' \(file .*broken\.py\) failed to load"):
        load_plugins([tmp_path], strict=True, environ=environ)
    with pytest.raises(PluginError, match="No module named 'rrma_no_such_package'"):
        load_plugins([tmp_path], environ={**environ, ENV_STRICT: "1"})
    # The argument overrides the environment variable.
    with pytest.warns(PluginWarning):
        load_plugins([tmp_path], strict=False, environ={**environ, ENV_STRICT: "yes"})


def test_a_misspelt_hook_is_a_load_failure_suggesting_the_hook(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "typo",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_conectors():
            return []
        """,
    )
    write_plugin(tmp_path, "working", connector_source("working-agenda"))
    environ = {ENV_ONLY: "typo,working"}
    with pytest.warns(PluginWarning, match=r"rrma_conectors \(did you mean rrma_connectors\?\)"):
        plugins = load_plugins([tmp_path], environ=environ)
    assert names(plugins) == ["working"]
    assert plugins.hook.rrma_connectors.get_hookimpls()[0].plugin_name == "working"
    with pytest.raises(PluginError, match=r"plugin 'typo'.*which is not a hook"):
        load_plugins([tmp_path], strict=True, environ=environ)


def test_a_hook_asking_for_an_argument_its_hook_does_not_pass_is_a_load_failure(
    tmp_path: Path,
) -> None:
    write_plugin(
        tmp_path,
        "badargs",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_enrich_record(record, sorce):
            return None
        """,
    )
    with pytest.warns(PluginWarning, match=r"plugin 'badargs' \(file .*\).*sorce") as record:
        plugins = load_plugins([tmp_path], environ={ENV_ONLY: "badargs"})
    assert "\n" not in str(record[0].message)
    assert plugins.info() == []
    assert plugins.hook.rrma_enrich_record.get_hookimpls() == []


def test_registering_a_taken_name_is_an_error(tmp_path: Path) -> None:
    plugins = Plugins()
    plugins.register(SimpleNamespace(), name="mine")
    with pytest.raises(PluginError, match="plugin 'mine' \\(object\\): the name is already taken"):
        plugins.register(SimpleNamespace(), name="mine")


# --- connectors and exporters ----------------------------------------------------------------


def test_two_connectors_with_one_name_is_an_error_naming_both_plugins(tmp_path: Path) -> None:
    write_plugin(tmp_path, "agenda_centre", connector_source("agenda"))
    write_plugin(tmp_path, "agenda_normandie", connector_source("agenda"))
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "agenda_centre,agenda_normandie"})

    with pytest.raises(PluginError) as error:
        plugins.connectors()

    message = str(error.value)
    assert "two plugins provide a connector named 'agenda'" in message
    assert f"'agenda_centre' (file {tmp_path / 'agenda_centre.py'}" in message
    assert f"'agenda_normandie' (file {tmp_path / 'agenda_normandie.py'}" in message
    assert "RRMA_DISABLE_PLUGINS" in message
    # Both still appear in `rrma plugins`, which is where one looks for the culprit.
    described = {entry["name"]: entry["connectors"] for entry in plugins.describe()}
    assert described == {"agenda_centre": ["agenda"], "agenda_normandie": ["agenda"]}


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ("name = 'incomplete'\n    Options = Options", "record_type (the Record model"),
        ("record_type = Event", "name (a non-empty string"),
        ("name = 'incomplete'\n    record_type = Event\n    Options = dict", "Options (a subclass"),
    ],
    ids=["record_type", "name", "Options"],
)
def test_an_incomplete_connector_class_is_an_error_naming_the_plugin(
    tmp_path: Path, body: str, missing: str
) -> None:
    source = f"""
from rrma_core import Event, hookimpl
from rrma_core.connectors import Connector, Options

class Incomplete(Connector):
    {body}

    def fetch(self, ctx):
        yield from ()

@hookimpl
def rrma_connectors():
    return [Incomplete]
"""
    write_plugin(tmp_path, "incomplete", source)
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "incomplete"})
    with pytest.raises(PluginError) as error:
        plugins.connectors()
    message = str(error.value)
    assert message.startswith("plugin 'incomplete': connector class ")
    assert "Incomplete is incomplete: it has no " in message
    assert missing in message


def test_a_connector_without_fetch_or_not_a_connector_is_an_error(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "nofetch",
        """
        from rrma_core import Event, hookimpl
        from rrma_core.connectors import Connector

        class NoFetch(Connector):
            name = "nofetch"
            record_type = Event

        class NotAConnector:
            name = "plain"

        @hookimpl
        def rrma_connectors():
            return [NoFetch]

        class Other:
            @hookimpl
            def rrma_connectors(self):
                return [NotAConnector]
        """,
    )
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "nofetch"})
    with pytest.raises(PluginError, match=r"plugin 'nofetch': .*NoFetch .* no fetch\(ctx\)"):
        plugins.connectors()

    other = Plugins()
    module = sys.modules[plugins.hook.rrma_connectors.get_hookimpls()[0].function.__module__]
    other.register(module.Other(), name="other")
    with pytest.raises(PluginError, match=r"plugin 'other': .*NotAConnector.*not a subclass"):
        other.connectors()


def test_a_hook_returning_something_else_than_a_list_is_an_error_naming_the_plugin() -> None:
    class Sloppy:
        @hookimpl
        def rrma_connectors(self) -> object:
            return "agenda"

    plugins = Plugins()
    plugins.register(Sloppy(), name="sloppy")
    with pytest.raises(
        PluginError, match=r"plugin 'sloppy': rrma_connectors\(\) must return a list"
    ):
        plugins.connectors()


def test_connector_lookup_names_the_installed_ones(tmp_path: Path) -> None:
    write_plugin(tmp_path, "agenda", connector_source("agenda-reseau"))
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "agenda"})
    assert plugins.connector("agenda-reseau").name == "agenda-reseau"
    with pytest.raises(PluginError) as error:
        plugins.connector("agenda-reseaux")
    assert str(error.value) == (
        "no connector named 'agenda-reseaux' (installed: agenda-reseau); is its plugin installed?"
    )
    with pytest.raises(PluginError, match=r"\(installed: none\)"):
        Plugins().connector("rss")


def test_hook_rrma_connectors_results_are_cached_until_a_plugin_is_registered() -> None:
    calls = []

    class Counting:
        @hookimpl
        def rrma_connectors(self) -> list[type]:
            calls.append(1)
            return []

    plugins = Plugins()
    plugins.register(Counting(), name="counting")
    assert plugins.connectors() == {}
    assert plugins.connectors() == {}
    assert len(calls) == 1

    module = SimpleNamespace()
    exec(compile(connector_source("late-agenda"), "late.py", "exec"), module.__dict__)
    plugins.register(module, name="late")
    assert list(plugins.connectors()) == ["late-agenda"]
    assert len(calls) == 2


def test_hook_rrma_exporters_lists_exporters_and_refuses_a_clash(tmp_path: Path) -> None:
    exporter = """
        from rrma_core import hookimpl

        class Export:
            name = "NAME"

        @hookimpl
        def rrma_exporters():
            return [Export]
        """
    write_plugin(tmp_path, "export_a", exporter.replace("NAME", "barometre"))
    write_plugin(tmp_path, "export_b", exporter.replace("NAME", "annuaire-csv"))
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "export_a,export_b"})
    assert sorted(plugins.exporters()) == ["annuaire-csv", "barometre"]
    assert plugins.describe()[0]["exporters"] == ["barometre"]

    write_plugin(tmp_path, "export_c", exporter.replace("NAME", "barometre"))
    clash = load_plugins([tmp_path], environ={ENV_ONLY: "export_a,export_c"})
    with pytest.raises(PluginError, match=r"exporter named 'barometre': 'export_a' .* 'export_c'"):
        clash.exporters()

    class Nameless:
        @hookimpl
        def rrma_exporters(self) -> list[object]:
            return [object()]

    plugins = Plugins()
    plugins.register(Nameless(), name="nameless")
    with pytest.raises(PluginError, match=r"plugin 'nameless'.*not a class with a name"):
        plugins.exporters()


# --- vocabularies ----------------------------------------------------------------------------


def test_hook_rrma_vocabularies_adds_a_vocabulary_and_extends_sectors(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "secteurs",
        """
        from rrma_core import Term, Vocabulary, hookimpl

        @hookimpl
        def rrma_vocabularies():
            return [
                Vocabulary("dispositifs", [Term("fria", {"fr": "FRIA", "en": "FRIA"})]),
                ("sectors", [Term("numerique", {"fr": "Numérique", "en": "Digital"})]),
            ]
        """,
    )
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "secteurs"})
    registry = plugins.vocabulary_registry()

    assert registry.get("dispositifs").codes() == ["fria"]
    assert registry.get("sectors").label("numerique", "en") == "Digital"
    assert "eau" in registry.get("sectors")
    with use_registry(registry):
        actor = Actor(name="Num'Sud", actor_type="association", sectors=["numerique", "eau"])
    assert actor.sectors == ["numerique", "eau"]
    # Outside the workspace's registry the sector is unknown, and the built-in registry and a
    # given base are left as they were.
    with pytest.raises(pydantic.ValidationError, match="unknown sector 'numerique'"):
        Actor(name="Num'Sud", actor_type="association", sectors=["numerique"])
    assert "numerique" not in builtin_registry().get("sectors")
    base = builtin_registry().copy()
    plugins.vocabulary_registry(base)
    assert "dispositifs" not in base


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (
            '("sdg", [Term("18", {"fr": "Paix", "en": "Peace"})])',
            "plugin 'ferme' tries to add terms to the vocabulary 'sdg', which is closed",
        ),
        (
            'Vocabulary("regions", [Term("99", {"fr": "Lune", "en": "Moon"})])',
            "plugin 'ferme' cannot add the vocabulary 'regions'",
        ),
        (
            '("secteurs", [Term("x", {"fr": "X"})])',
            "plugin 'ferme' extends a vocabulary that does not exist: no vocabulary named",
        ),
        (
            '("sectors", [Term("eau", {"fr": "Eau potable", "en": "Water"})])',
            "plugin 'ferme' cannot extend the vocabulary 'sectors': ferme redefines the term 'eau'",
        ),
        ('("sectors", ["numerique"])', "must be Term objects, not 'numerique'"),
        ('"sectors"', "neither a Vocabulary nor a (name, terms) pair"),
    ],
    ids=["closed", "taken", "unknown", "redefined", "not-terms", "not-a-pair"],
)
def test_a_wrong_vocabulary_is_an_error_naming_the_plugin(
    tmp_path: Path, returned: str, message: str
) -> None:
    write_plugin(
        tmp_path,
        "ferme",
        f"""
        from rrma_core import Term, Vocabulary, hookimpl

        @hookimpl
        def rrma_vocabularies():
            return [{returned}]
        """,
    )
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "ferme"})
    with pytest.raises(PluginError) as error:
        plugins.vocabulary_registry()
    assert message in str(error.value)


# --- the other hooks -------------------------------------------------------------------------


def test_hook_rrma_enrich_record_may_accept_fewer_arguments(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "by_record",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_enrich_record(record):
            return {"sectors": ["eau"]} if "eau" in record.name.lower() else None
        """,
    )
    write_plugin(
        tmp_path,
        "by_source",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_enrich_record(source):
            return {"countries": ["BF"]} if source == "annuaire-sahel" else None
        """,
    )
    plugins = load_plugins([tmp_path], strict=True, environ={ENV_ONLY: "by_record,by_source"})
    actor = Actor(name="Eau Vive Lyon", actor_type="association")

    assert plugins.hook.rrma_enrich_record(record=actor, source="annuaire-sahel") == [
        {"countries": ["BF"]},
        {"sectors": ["eau"]},
    ]
    # call_each says which plugin answered what (the last loaded is called first).
    assert plugins.call_each("rrma_enrich_record", {"record": actor, "source": "agenda"}) == [
        ("by_record", {"sectors": ["eau"]})
    ]


def test_call_each_names_a_failing_plugin_or_skips_it() -> None:
    class Failing:
        @hookimpl
        def rrma_enrich_record(self, record: object) -> None:
            raise KeyError("titre")

    class Working:
        @hookimpl
        def rrma_enrich_record(self, record: object) -> dict[str, Any]:
            return {"sdgs": [6]}

    plugins = Plugins()
    plugins.register(Working(), name="working")
    plugins.register(Failing(), name="failing")
    kwargs = {"record": None, "source": "agenda"}
    with pytest.raises(PluginError, match=r"^plugin 'failing' \(object\): rrma_enrich_record\(\) "):
        plugins.call_each("rrma_enrich_record", kwargs)
    with pytest.warns(PluginWarning, match="failed: KeyError: 'titre'; skipped"):
        answers = plugins.call_each("rrma_enrich_record", kwargs, skip_failing=True)
    assert answers == [("working", {"sdgs": [6]})]
    with pytest.raises(ValueError, match="needs the argument"):
        plugins.call_each("rrma_enrich_record", {"record": None})
    with pytest.raises(ValueError, match="no hook named 'rrma_nope'"):
        plugins.call_each("rrma_nope")


class Answer:
    """A plugin whose ``rrma_match_record`` always gives the same answer."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.asked = 0

    @hookimpl
    def rrma_match_record(self, record: object, candidates: list[Actor]) -> str | None:
        self.asked += 1
        return self.answer


def test_hook_rrma_match_record_first_answer_wins() -> None:
    record = Actor(name="Eau Vive", actor_type="association", rna="W691234567")
    candidates = [Actor(name="Eau Vive Lyon", actor_type="association", rna="W691234567")]
    plugins = Plugins()
    early = Answer(candidates[0].id)
    silent = Answer(None)
    plugins.register(early, name="early")
    plugins.register(silent, name="silent")

    # The plugin registered last is asked first; its None lets the next one answer.
    assert plugins.hook.rrma_match_record(record=record, candidates=candidates) == candidates[0].id
    assert (silent.asked, early.asked) == (1, 1)

    late = Answer("actor-late")
    plugins.register(late, name="late")
    assert plugins.hook.rrma_match_record(record=record, candidates=candidates) == "actor-late"
    assert early.asked == 1  # not asked once an answer was given

    nobody = Plugins()
    assert nobody.hook.rrma_match_record(record=record, candidates=candidates) is None


def test_hook_rrma_sync_finished_receives_the_workspace_and_the_report(tmp_path: Path) -> None:
    write_plugin(
        tmp_path,
        "journal",
        """
        from rrma_core import hookimpl

        seen = []

        @hookimpl
        def rrma_sync_finished(workspace, report):
            seen.append((workspace, report.ok, [s.source for s in report.failed]))
        """,
    )
    plugins = load_plugins([tmp_path], strict=True, environ={ENV_ONLY: "journal"})
    workspace = SimpleNamespace(root=tmp_path)
    report = SyncReport([SourceReport("agenda", "jsonl", status="failed", error="HTTP 500")])

    assert plugins.hook.rrma_sync_finished(workspace=workspace, report=report) == []

    module = sys.modules[plugins.hook.rrma_sync_finished.get_hookimpls()[0].function.__module__]
    assert module.seen == [(workspace, False, ["agenda"])]


COMMANDS = """
import click
from rrma_core import hookimpl

@click.command("bonjour")
@click.option("--reseau", default="Centraider")
def bonjour(reseau):
    click.echo(f"Bonjour {reseau} !")

@hookimpl
def rrma_cli_commands(cli):
    cli.add_command(bonjour)
"""


def test_hook_rrma_cli_commands_adds_a_command_that_runs(tmp_path: Path) -> None:
    write_plugin(tmp_path, "bonjour", COMMANDS)
    plugins = load_plugins([tmp_path], strict=True, environ={ENV_ONLY: "bonjour"})
    group = click.Group("rrma")

    add_plugin_commands(group, plugins)

    assert list(group.commands) == ["bonjour"]
    result = CliRunner().invoke(group, ["bonjour", "--reseau", "RESACOOP"])
    assert result.exit_code == 0, result.output
    assert result.output == "Bonjour RESACOOP !\n"


def test_hook_rrma_cli_commands_through_the_rrma_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rrma_core.cli import cli

    write_plugin(tmp_path / "plugins", "bonjour", COMMANDS)
    monkeypatch.chdir(tmp_path)  # no rrma.toml here: the installed plugins and --plugins-dir
    monkeypatch.delenv("RRMA_WORKSPACE", raising=False)
    monkeypatch.setattr(cli, "commands", dict(cli.commands))  # undo what the plugin adds
    runner = CliRunner(env={ENV_ONLY: "bonjour"})

    result = runner.invoke(cli, ["--plugins-dir", "plugins", "bonjour", "--reseau", "GESCOD"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Bonjour GESCOD !\n"

    listed = runner.invoke(cli, ["plugins", "--plugins-dir", "plugins"])
    assert [entry["name"] for entry in json.loads(listed.stdout)] == ["bonjour"]


def test_a_plugin_whose_cli_commands_fail_is_skipped_with_a_warning(tmp_path: Path) -> None:
    write_plugin(tmp_path, "bonjour", COMMANDS)
    write_plugin(
        tmp_path,
        "casse",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_cli_commands(cli):
            raise RuntimeError("click is too old")
        """,
    )
    environ = {ENV_ONLY: "bonjour,casse"}
    group = click.Group("rrma")
    with pytest.warns(PluginWarning, match=r"plugin 'casse' \(file .*casse\.py\): rrma_cli_"):
        add_plugin_commands(group, load_plugins([tmp_path], environ=environ))
    assert list(group.commands) == ["bonjour"]
    with pytest.raises(PluginError, match="click is too old"):
        add_plugin_commands(
            click.Group("rrma"), load_plugins([tmp_path], strict=True, environ=environ)
        )


# --- tracing ---------------------------------------------------------------------------------


def test_trace_variable_prints_every_hook_call_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plugin(tmp_path, "agenda", connector_source("agenda-reseau"))
    write_plugin(
        tmp_path,
        "matcher",
        """
        from rrma_core import hookimpl

        @hookimpl
        def rrma_match_record(record, candidates):
            return candidates[0].id if candidates else None
        """,
    )
    environ = {ENV_ONLY: "agenda,matcher", ENV_TRACE: "1"}
    plugins = load_plugins([tmp_path], environ=environ)
    actor = Actor(id="actor-eau-vive", name="Eau Vive", actor_type="association")
    stored = Actor(id="actor-eau-vive-lyon", name="Eau Vive Lyon", actor_type="association")

    assert plugins.hook.rrma_match_record(record=actor, candidates=[stored]) == stored.id
    plugins.connectors()
    plugins.hook.rrma_sync_finished(workspace="ws", report="report")

    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        "rrma trace: rrma_match_record(record=<Actor actor-eau-vive>, "
        "candidates=[<Actor actor-eau-vive-lyon>]) [matcher] -> 'actor-eau-vive-lyon'"
    )
    assert re.fullmatch(
        r"rrma trace: rrma_connectors\(\) \[agenda\] -> "
        r"\[<class 'rrma_plugins_dir\.agenda_\w+\.Agenda'>\]",
        lines[1],
    )
    assert lines[2] == (
        "rrma trace: rrma_sync_finished(workspace='ws', report='report') [no plugin] -> []"
    )
    assert len(lines) == 3


def test_without_the_trace_variable_nothing_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_plugin(tmp_path, "agenda", connector_source("agenda-reseau"))
    plugins = load_plugins([tmp_path], environ={ENV_ONLY: "agenda", ENV_TRACE: "0"})
    plugins.connectors()
    plugins.hook.rrma_match_record(record=None, candidates=[])
    assert capsys.readouterr().err == ""


def test_trace_shows_an_exception(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    class Failing:
        @hookimpl
        def rrma_match_record(self) -> None:
            raise LookupError("no index")

    plugins = Plugins(trace=True)
    plugins.register(Failing(), name="failing")
    with pytest.raises(LookupError):
        plugins.hook.rrma_match_record(record=None, candidates=[])
    assert capsys.readouterr().err.endswith("[failing] -> raised LookupError: no index\n")


# --- one manager per workspace ---------------------------------------------------------------


def test_each_load_builds_its_own_plugin_manager(tmp_path: Path) -> None:
    centre, normandie = tmp_path / "centre" / "plugins", tmp_path / "normandie" / "plugins"
    write_plugin(centre, "agenda", connector_source("agenda-centre"))
    write_plugin(normandie, "agenda", connector_source("agenda-normandie"))
    environ = {ENV_ONLY: "agenda"}

    first = load_plugins([centre], environ=environ)
    second = load_plugins([normandie], environ=environ)

    assert first.pm is not second.pm
    assert list(first.connectors()) == ["agenda-centre"]
    assert list(second.connectors()) == ["agenda-normandie"]
    first.register(Answer("x"), name="answer")
    assert "answer" not in names(second)
    # The two files of one name are two modules, neither replacing the other.
    modules = {
        first.connector("agenda-centre").__module__,
        second.connector("agenda-normandie").__module__,
    }
    assert len(modules) == 2
    assert all(module in sys.modules for module in modules)


def test_no_plugin_manager_is_built_at_import_time() -> None:
    """No module of rrma_core builds plugins when imported (datasette and llm regret it)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: functions and classes run later
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    name = ast.unparse(call.func)
                    if name.split(".")[-1] in {"PluginManager", "Plugins", "load_plugins"}:
                        offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} {name}()")
    assert not offenders, f"plugins built at import time: {offenders}"


# --- rrma plugins ----------------------------------------------------------------------------


def test_rrma_plugins_prints_the_loaded_plugins_as_json(tmp_path: Path) -> None:
    write_plugin(tmp_path, "agenda", connector_source("agenda-reseau") + "\n__version__ = '2.0'\n")
    result = CliRunner(env={ENV_ONLY: "agenda"}).invoke(
        plugins_command, ["--plugins-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {
            "name": "agenda",
            "version": "2.0",
            "origin": f"file {tmp_path / 'agenda.py'}",
            "hooks": ["rrma_connectors"],
            "connectors": ["agenda-reseau"],
        }
    ]


def test_rrma_plugins_lists_the_built_in_plugins_too() -> None:
    result = CliRunner().invoke(plugins_command, [])
    assert result.exit_code == 0, result.output
    described = json.loads(result.stdout)
    origins = {entry["origin"] for entry in described}
    assert all(origin.startswith("entry point ") for origin in origins)


def test_rrma_plugins_warns_on_stderr_and_strict_fails(tmp_path: Path) -> None:
    write_plugin(tmp_path, "broken", "import rrma_no_such_package\n")
    write_plugin(tmp_path, "agenda", connector_source("agenda-reseau"))
    runner = CliRunner(env={ENV_ONLY: "broken,agenda"})

    result = runner.invoke(plugins_command, ["--plugins-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [entry["name"] for entry in json.loads(result.stdout)] == ["agenda"]
    assert result.stderr.startswith("Warning: plugin 'broken' (file ")
    assert "No module named 'rrma_no_such_package'; skipped" in result.stderr

    strict = runner.invoke(plugins_command, ["--plugins-dir", str(tmp_path), "--strict"])
    assert strict.exit_code != 0
    assert isinstance(strict.exception, PluginError)


# --- the public API and the plugin author's guide --------------------------------------------


def test_plugins_import_hookimpl_from_the_package_root() -> None:
    assert rrma_core.hookimpl is hookspecs.hookimpl
    assert "hookimpl" in rrma_core.__all__


PUBLIC_PLUGIN_API = ["Plugins", "PluginWarning", "load_plugins"]


def test_the_plugin_api_the_guide_uses_is_exported() -> None:
    import rrma_core._plugins as implementation

    for name in PUBLIC_PLUGIN_API:
        assert getattr(rrma_core, name) is getattr(implementation, name)
        assert name in rrma_core.__all__


def hook_names() -> list[str]:
    return sorted(
        name
        for name, value in vars(hookspecs).items()
        if name.startswith("rrma_") and callable(value)
    )


def hook_heading(name: str) -> str:
    """The heading of a hook's section: ``### `rrma_enrich_record(record, source)` ``."""
    parameters = inspect.signature(getattr(hookspecs, name)).parameters
    return f"### `{name}({', '.join(parameters)})`"


def hook_signature(name: str) -> str:
    """The typed signature, as the hookspecs declare it (annotations are strings there)."""
    signature = inspect.signature(getattr(hookspecs, name))
    parameters = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"Signature: `{name}({parameters}) -> {signature.return_annotation}`"


def hook_sections() -> dict[str, str]:
    """Each hook's section of the guide, from its heading to the next heading."""
    text = DOCS.read_text(encoding="utf-8")
    sections = {}
    for name in hook_names():
        heading = hook_heading(name)
        start = text.index(heading) if heading in text else -1
        if start >= 0:
            end = min(
                (i for i in (text.find("\n## ", start), text.find("\n### ", start + 1)) if i > 0),
                default=len(text),
            )
            sections[name] = text[start:end]
    return sections


def test_every_hook_is_documented_and_tested() -> None:
    assert len(hook_names()) >= 7
    text = DOCS.read_text(encoding="utf-8")
    lines = text.splitlines()
    tests = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests").rglob("*.py")))
    for name in hook_names():
        assert hook_heading(name) in lines, (
            f"docs/plugins.md lacks the heading {hook_heading(name)}"
        )
        assert hook_signature(name) in text, f"docs/plugins.md lacks '{hook_signature(name)}'"
        section = hook_sections()[name]
        assert f"def {name}(" in section, f"the section of {name} has no example implementing it"
        assert re.search(rf"def test_hook_{name}\w*\(", tests), f"no test_hook_{name}... test"


def example_plugins() -> dict[str, str]:
    """The guide's complete plugin files: the ``python`` blocks opening with ``# plugins/x.py``."""
    text = DOCS.read_text(encoding="utf-8")
    files = {}
    for code in re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        first = code.splitlines()[0]
        if re.fullmatch(r"# plugins/\w+\.py", first):
            files[first.removeprefix("# plugins/")] = code
    return files


@pytest.fixture
def guide_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace-like folder holding the guide's example plugins in ``plugins/``; the cwd."""

    for filename, code in example_plugins().items():
        write_plugin(tmp_path / "plugins", filename.removesuffix(".py"), code)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_guide_examples_load_in_strict_mode_and_work(guide_plugins: Path) -> None:
    files = example_plugins()
    assert len(files) >= 8
    for name, section in hook_sections().items():
        assert any(f"def {name}(" in code for code in files.values() if code in section), name

    only = ",".join(filename.removesuffix(".py") for filename in files)
    plugins = load_plugins([Path("plugins")], strict=True, environ={ENV_ONLY: only})

    assert {"agenda-reseau", "annuaire-reseau"} <= set(plugins.connectors())
    assert list(plugins.exporters()) == ["barometre"]
    registry = plugins.vocabulary_registry()
    assert "numerique" in registry.get("sectors")
    assert "accueil-volontaires" in registry.get("training_themes")
    assert registry.get("dispositifs").codes() == ["fria", "jsi"]

    event = Event(
        title="Ciné-débat : l'accès à l'eau au Burkina Faso",
        occurrences=[{"start": "2026-11-20T20:00:00+01:00"}],
    )
    assert plugins.call_each("rrma_enrich_record", {"record": event, "source": "agenda"}) == [
        ("themes_auto", {"themes": ["eau"]})
    ]

    record = Actor(name="Eau Vive", actor_type="association", rna="W691234567")
    stored = [
        Actor(name="Solidarité Sahel", actor_type="association", rna="W692222222"),
        Actor(name="Eau Vive Lyon", actor_type="association", rna="W691234567"),
    ]
    assert plugins.hook.rrma_match_record(record=record, candidates=stored) == stored[1].id

    report = SyncReport(
        [SourceReport("agenda", "agenda-reseau", status="failed", error="HTTP 500")]
    )
    plugins.hook.rrma_sync_finished(workspace=SimpleNamespace(root=guide_plugins), report=report)
    assert (
        (guide_plugins / "sync-failures.log")
        .read_text(encoding="utf-8")
        .endswith(" agenda: HTTP 500\n")
    )

    group = click.Group("rrma")
    add_plugin_commands(group, plugins)
    result = CliRunner().invoke(group, ["departements", "--region", "84"])
    assert result.exit_code == 0, result.output
    assert "69\tRhône\n" in result.output


def test_the_guide_connector_fetches_with_a_real_context(
    guide_plugins: Path, httpserver: HTTPServer
) -> None:
    plugins = load_plugins([Path("plugins")], strict=True, environ={ENV_ONLY: "agenda_reseau"})
    connector_class = plugins.connector("agenda-reseau")
    url = httpserver.url_for("/agenda.json")
    connector = connector_class(connector_class.parse_options("agenda", {"url": url}))
    items = [
        {
            "id": 101,
            "titre": "Ciné-débat : l'accès à l'eau",
            "debut": "2026-11-20T20:00:00+01:00",
            "lien": "https://www.mon-reseau.org/agenda/101",
            "modifie": "2026-10-02T09:00:00+02:00",
        },
        {"id": 102, "titre": "Sans date", "debut": None, "modifie": "2026-10-03T10:00:00+02:00"},
    ]
    httpserver.expect_oneshot_request("/agenda.json").respond_with_json(items)
    with SafeSession(HTTPPolicy(retries=0)) as http:
        ctx = FetchContext(source="agenda", http=http, timezone=ZoneInfo("Europe/Paris"))
        fetched = list(connector.fetch(ctx))

        assert [Event.model_validate(item).provenance[0].source_id for item in fetched] == ["101"]
        assert [(s.item, s.reason) for s in ctx.skipped] == [("102", "no start date")]
        assert ctx.state == {"modifie": "2026-10-03T10:00:00+02:00"}

        # The next sync asks only for what changed, by the site's clock.
        httpserver.expect_oneshot_request(
            "/agenda.json", query_string={"modifie_depuis": "2026-10-03T10:00:00+02:00"}
        ).respond_with_json([])
        again = FetchContext(source="agenda", http=http, timezone=ctx.timezone, state=ctx.state)
        assert list(connector.fetch(again)) == []
    httpserver.check_assertions()


def test_the_guide_testing_example_passes(guide_plugins: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Testing a plugin") :]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert code is not None
    namespace: dict[str, Any] = {"__name__": "guide_testing_example"}
    exec(compile(code[1], str(DOCS), "exec"), namespace)
    tests = [value for key, value in namespace.items() if key.startswith("test_")]
    assert tests
    for test in tests:
        test()


def test_the_guide_shows_real_rrma_plugins_output(guide_plugins: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    command = (
        "$ RRMA_PLUGINS=jsonl,agenda_reseau,export_barometre rrma plugins --plugins-dir plugins"
    )
    start = text.index(command) + len(command)
    shown = json.loads(text[start : text.index("```", start)])
    result = CliRunner(env={ENV_ONLY: "jsonl,agenda_reseau,export_barometre"}).invoke(
        plugins_command, ["--plugins-dir", "plugins"]
    )
    assert json.loads(result.stdout) == shown


def test_the_guide_documents_every_environment_variable_and_the_entry_point_group() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for variable in (ENV_ONLY, ENV_DISABLE, ENV_STRICT, ENV_TRACE):
        assert f"| `{variable}` |" in text, variable
    toml = re.search(r"```toml\n(# pyproject\.toml.*?)```", text, flags=re.S)
    assert toml is not None
    entry_points = tomllib.loads(toml[1])["project"]["entry-points"]
    assert entry_points == {ENTRY_POINT_GROUP: {"my_network": "my_network_plugin"}}
