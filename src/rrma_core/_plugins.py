"""Finding, loading and asking the plugins: one plugin manager per workspace (or CLI run).

Nothing here runs at import time. [`load_plugins`][rrma_core._plugins.load_plugins] builds a
fresh [`Plugins`][rrma_core._plugins.Plugins] each time it is called, from three channels:

1. the entry points of the group ``rrma`` (installed distributions);
2. the ``*.py`` files of plugin folders (``--plugins-dir``, a workspace's ``plugins/``);
3. objects registered at run time with [`Plugins.register`][rrma_core._plugins.Plugins.register].

Environment variables restrict what loads (``RRMA_PLUGINS``, ``RRMA_DISABLE_PLUGINS``), make a
load failure an error (``RRMA_STRICT_PLUGINS``) and print every hook call
(``RRMA_TRACE_PLUGINS``). The plugin author's guide (``docs/plugins.md``) documents them.

Example:
    >>> from rrma_core.hookspecs import hookimpl
    >>> class FirstCandidate:
    ...     @hookimpl
    ...     def rrma_match_record(self, record, candidates):
    ...         return candidates[0].id if candidates else None
    >>> plugins = Plugins()
    >>> plugins.register(FirstCandidate(), name="first-candidate")
    >>> [(info.name, info.origin, info.hooks) for info in plugins.info()]
    [('first-candidate', 'object', ('rrma_match_record',))]
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import BaseModel

from rrma_core import hookspecs
from rrma_core.connectors import Connector
from rrma_core.errors import PluginError, UnknownVocabulary, VocabularyConflict
from rrma_core.models import Record
from rrma_core.vocabularies import Term, Vocabulary, VocabularyRegistry, builtin_registry

if TYPE_CHECKING:
    from rrma_core.indicators import Indicator

__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_DISABLE",
    "ENV_ONLY",
    "ENV_STRICT",
    "ENV_TRACE",
    "PluginInfo",
    "PluginWarning",
    "Plugins",
    "load_plugins",
]

#: The entry-point group that installed plugins declare (``[project.entry-points.rrma]``).
ENTRY_POINT_GROUP = "rrma"

#: Comma-separated plugin (or distribution) names: only these load. Set but empty: none load.
ENV_ONLY = "RRMA_PLUGINS"
#: Comma-separated plugin (or distribution) names that do not load.
ENV_DISABLE = "RRMA_DISABLE_PLUGINS"
#: ``1`` (or ``true``, ``yes``, ``on``): a plugin that fails to load is an error, not a warning.
ENV_STRICT = "RRMA_STRICT_PLUGINS"
#: ``1`` (or ``true``, ``yes``, ``on``): print every hook call, its arguments and result to stderr.
ENV_TRACE = "RRMA_TRACE_PLUGINS"

#: How long one value may grow in a trace line before it is cut.
_TRACE_LIMIT = 200


class PluginWarning(UserWarning):
    """Warned when a plugin is skipped because it failed to load (an error in strict mode).

    The message names the plugin, where it came from and the error.
    """


@dataclass(frozen=True)
class PluginInfo:
    """What ``rrma plugins`` says about one loaded plugin.

    Attributes:
        name: The plugin's name: its entry point's name, its file's stem, or the name it was
            registered under.
        version: Its distribution's version (entry points), its module's ``__version__``
            (files and objects), or ``None``.
        origin: Where it came from: ``"entry point <distribution>"``, ``"file <path>"`` or
            ``"object"`` (registered at run time).
        hooks: The hooks it implements, sorted.
    """

    name: str
    version: str | None
    origin: str
    hooks: tuple[str, ...]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _canonical(name: str) -> str:
    """A name as compared in the environment variables: case and ``-_.`` do not matter."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _names(value: str) -> set[str]:
    return {_canonical(part) for part in value.split(",") if part.strip()}


def _short(value: Any, limit: int = _TRACE_LIMIT) -> str:
    """``repr(value)``, cut at ``limit`` characters; a record shows as ``<Event event-1f2e…>``."""
    try:
        if isinstance(value, Record):
            text = f"<{type(value).__name__} {value.id}>"
        elif (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(item, Record) for item in value)
        ):
            text = "[" + ", ".join(f"<{type(item).__name__} {item.id}>" for item in value) + "]"
        else:
            text = repr(value)
    except Exception as error:  # a plugin's object whose repr fails must not break tracing
        text = f"<unrepresentable {type(value).__name__}: {error}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _trace(line: str) -> None:
    # sys.stderr is looked up at each call, so that redirections (and pytest's capture) work.
    print(f"rrma trace: {line}", file=sys.stderr, flush=True)


def _trace_before(
    hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
) -> None:
    """Nothing to print before a call: the line printed after it says everything."""


def _trace_after(
    outcome: pluggy.Result[Any],
    hook_name: str,
    hook_impls: Sequence[pluggy.HookImpl],
    kwargs: Mapping[str, Any],
) -> None:
    arguments = ", ".join(f"{key}={_short(value)}" for key, value in kwargs.items())
    # pluggy calls the last registered implementation first: list them in that order.
    called = ", ".join(impl.plugin_name for impl in reversed(hook_impls)) or "no plugin"
    error = outcome.exception
    result = f"raised {_describe_error(error)}" if error else _short(outcome.get_result())
    _trace(f"{hook_name}({arguments}) [{called}] -> {result}")


class Plugins:
    """The plugins loaded for one workspace (or one CLI run).

    Build one with [`load_plugins`][rrma_core._plugins.load_plugins]; an empty one
    (``Plugins()``) is handy in tests, with [`register`][rrma_core._plugins.Plugins.register].
    Each instance has its own ``pluggy.PluginManager``: two workspaces in one process never
    share plugins.

    Attributes:
        pm: The underlying ``pluggy.PluginManager``, with rrma_core's hook specifications.
        strict: Whether a plugin that fails is an error rather than a warning.
    """

    def __init__(self, *, strict: bool = False, trace: bool = False) -> None:
        """Create a plugin manager holding rrma_core's hook specifications and no plugin.

        Args:
            strict: Make a plugin that fails to load (or whose CLI commands fail) an error.
            trace: Print every hook call, its arguments and its result to stderr.
        """
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.strict = strict
        self._trace = trace
        if trace:
            self.pm.add_hookcall_monitoring(_trace_before, _trace_after)
        self._meta: dict[str, tuple[str | None, str]] = {}
        self._connectors: dict[str, type[Connector[Any]]] | None = None
        self._exporters: dict[str, type[Any]] | None = None

    def __repr__(self) -> str:
        names = ", ".join(name for name, _ in self.pm.list_name_plugin())
        return f"<Plugins: {names or 'none'}>"

    @property
    def hook(self) -> pluggy.HookRelay:
        """The hooks, called with keyword arguments: ``plugins.hook.rrma_match_record(...)``."""
        return self.pm.hook

    # --- what is loaded ----------------------------------------------------------------------

    def origin(self, name: str) -> str:
        """Where the plugin ``name`` came from: ``"entry point <dist>"``, ``"file <path>"``..."""
        return self._meta.get(name, (None, "object"))[1]

    def info(self) -> list[PluginInfo]:
        """Every loaded plugin, in loading order."""
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:  # a name pluggy keeps blocked
                continue
            version, origin = self._meta.get(name, (None, "object"))
            callers = self.pm.get_hookcallers(plugin) or []
            infos.append(PluginInfo(name, version, origin, tuple(sorted(c.name for c in callers))))
        return infos

    def describe(self) -> list[dict[str, Any]]:
        """The loaded plugins as JSON-able dicts, for ``rrma plugins``.

        Each has ``name``, ``version``, ``origin`` and ``hooks``, plus the names of the
        ``connectors`` and ``exporters`` it provides, if any. Name clashes are not checked
        here, so that ``rrma plugins`` can show them.

        Raises:
            PluginError: when a plugin's ``rrma_connectors`` or ``rrma_exporters`` fails.
        """
        provided: dict[str, dict[str, list[str]]] = {}
        for hook_name, key in (("rrma_connectors", "connectors"), ("rrma_exporters", "exporters")):
            for plugin, items in self._provided(hook_name):
                names = [str(getattr(item, "name", item)) for item in items]
                provided.setdefault(plugin, {}).setdefault(key, []).extend(names)
        described = []
        for info in self.info():
            entry: dict[str, Any] = {
                "name": info.name,
                "version": info.version,
                "origin": info.origin,
                "hooks": list(info.hooks),
            }
            for key, names in provided.get(info.name, {}).items():
                entry[key] = sorted(names)
            described.append(entry)
        return described

    # --- calling hooks with attribution ------------------------------------------------------

    def call_each(
        self,
        hook_name: str,
        kwargs: Mapping[str, Any] | None = None,
        *,
        skip_failing: bool = False,
    ) -> list[tuple[str, Any]]:
        """Call each plugin's implementation of ``hook_name``; say which plugin answered what.

        ``plugins.hook.<name>(...)`` gives the answers without saying whose they are; this
        gives ``(plugin name, answer)`` pairs, in the order pluggy calls them (the plugin
        loaded last first, unless ``tryfirst``/``trylast`` say otherwise). ``None`` answers
        are left out, as pluggy does. Hook wrappers (``wrapper=True``) are not called.

        Args:
            hook_name: The hook, such as ``"rrma_enrich_record"``.
            kwargs: Its arguments; each implementation receives those it names.
            skip_failing: When a plugin's implementation raises, warn
                ([`PluginWarning`][rrma_core._plugins.PluginWarning]) and go on with the
                others (in strict mode, raise ``PluginError`` all the same).

        Raises:
            PluginError: when an implementation raises, naming the plugin.
            ValueError: when there is no hook ``hook_name``, or an argument it needs is missing.
        """
        caller: pluggy.HookCaller | None = getattr(self.pm.hook, hook_name, None)
        if caller is None or caller.spec is None:
            raise ValueError(f"no hook named {hook_name!r}")
        given = dict(kwargs or {})
        missing = [name for name in caller.spec.argnames if name not in given]
        if missing:
            raise ValueError(f"{hook_name}() needs the argument(s) {', '.join(missing)}")
        answers: list[tuple[str, Any]] = []
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            arguments = [given[name] for name in impl.argnames]
            try:
                result = impl.function(*arguments)
            except Exception as error:
                if self._trace:
                    _trace(f"{hook_name}() [{impl.plugin_name}] -> raised {_describe_error(error)}")
                message = (
                    f"plugin {impl.plugin_name!r} ({self.origin(impl.plugin_name)}): "
                    f"{hook_name}() failed: {_describe_error(error)}"
                )
                if skip_failing and not self.strict:
                    warnings.warn(message + "; skipped", PluginWarning, stacklevel=2)
                    continue
                raise PluginError(message) from error
            if self._trace:
                shown = ", ".join(f"{name}={_short(given[name])}" for name in impl.argnames)
                _trace(f"{hook_name}({shown}) [{impl.plugin_name}] -> {_short(result)}")
            if result is not None:
                answers.append((impl.plugin_name, result))
        return answers

    def _provided(self, hook_name: str) -> list[tuple[str, list[Any]]]:
        """The items each plugin returns from a "return a list of things" hook."""
        provided = []
        for plugin, result in self.call_each(hook_name):
            if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
                raise PluginError(
                    f"plugin {plugin!r}: {hook_name}() must return a list, not {_short(result, 80)}"
                )
            provided.append((plugin, list(result)))
        # Loading order reads better in messages and listings than pluggy's calling order.
        provided.reverse()
        return provided

    # --- connectors, exporters, vocabularies ---------------------------------------------------

    def connectors(self) -> dict[str, type[Connector[Any]]]:
        """Every plugin's connector classes, by name (computed once, until ``register``).

        Raises:
            PluginError: when two plugins provide connectors with one name (naming both
                plugins), or a plugin returns something that is not a complete connector
                class (naming the plugin and what is missing).
        """
        if self._connectors is None:
            found: dict[str, tuple[str, type[Connector[Any]]]] = {}
            for plugin, items in self._provided("rrma_connectors"):
                for item in items:
                    connector = _check_connector(plugin, item)
                    self._add(found, "connector", connector.name, plugin, connector)
            self._connectors = {name: cls for name, (_, cls) in found.items()}
        return dict(self._connectors)

    def connector(self, name: str) -> type[Connector[Any]]:
        """The connector class called ``name``.

        Raises:
            PluginError: when no plugin provides it (the message lists those installed).
        """
        connectors = self.connectors()
        try:
            return connectors[name]
        except KeyError:
            installed = ", ".join(sorted(connectors)) or "none"
            raise PluginError(
                f"no connector named {name!r} (installed: {installed}); is its plugin installed?"
            ) from None

    def exporters(self) -> dict[str, type[Any]]:
        """Every plugin's exporter classes, by name (computed once, until ``register``).

        Raises:
            PluginError: when two plugins provide exporters with one name (naming both
                plugins), or an exporter is not a class with a ``name``.
        """
        if self._exporters is None:
            found: dict[str, tuple[str, type[Any]]] = {}
            for plugin, items in self._provided("rrma_exporters"):
                for item in items:
                    name = getattr(item, "name", None)
                    if not isinstance(item, type) or not isinstance(name, str) or not name:
                        raise PluginError(
                            f"plugin {plugin!r}: rrma_exporters() returned {_short(item, 80)}, "
                            "which is not a class with a name"
                        )
                    self._add(found, "exporter", name, plugin, item)
            self._exporters = {name: cls for name, (_, cls) in found.items()}
        return dict(self._exporters)

    def indicators(self) -> dict[str, type[Indicator]]:
        """The indicator classes the plugins provide, by key (built-in ones left out).

        Asked each time (indicators are listed rarely), so a plugin registered later counts.
        [`rrma_core.indicators.indicators`][rrma_core.indicators.indicators] adds the
        built-in ones.

        Raises:
            PluginError: when two plugins provide indicators with one key (naming both
                plugins), a plugin's key is a built-in indicator's, or an indicator is not a
                subclass of ``rrma_core.indicators.Indicator`` with a key.
        """
        from rrma_core.indicators import BUILTIN_INDICATORS, Indicator

        builtin = {cls.key: cls for cls in BUILTIN_INDICATORS}
        found: dict[str, tuple[str, type[Indicator]]] = {}
        for plugin, items in self._provided("rrma_indicators"):
            for item in items:
                key = getattr(item, "key", None)
                if not (isinstance(item, type) and issubclass(item, Indicator)) or not (
                    isinstance(key, str) and key
                ):
                    raise PluginError(
                        f"plugin {plugin!r}: rrma_indicators() returned {_short(item, 80)}, "
                        "which is not a subclass of rrma_core.indicators.Indicator with a key"
                    )
                if key in builtin:
                    raise PluginError(
                        f"plugin {plugin!r} ({self.origin(plugin)}) provides an indicator "
                        f"named {key!r} ({_qualname(item)}), which is built in "
                        f"({_qualname(builtin[key])}); choose another key"
                    )
                self._add(found, "indicator", key, plugin, item)
        return {key: cls for key, (_, cls) in found.items()}

    def _add(
        self,
        found: dict[str, tuple[str, Any]],
        kind: str,
        name: str,
        plugin: str,
        cls: type[Any],
    ) -> None:
        previous = found.get(name)
        if previous is not None and previous[1] is not cls:
            first, other = previous
            if first == plugin:
                raise PluginError(
                    f"plugin {plugin!r} ({self.origin(plugin)}) provides two {kind}s named "
                    f"{name!r}: {_qualname(other)} and {_qualname(cls)}"
                )
            raise PluginError(
                f"two plugins provide a {kind} named {name!r}: "
                f"{first!r} ({self.origin(first)}, {_qualname(other)}) and "
                f"{plugin!r} ({self.origin(plugin)}, {_qualname(cls)}); "
                f"disable one with {ENV_DISABLE}"
            )
        found.setdefault(name, (plugin, cls))

    def vocabulary_registry(self, base: VocabularyRegistry | None = None) -> VocabularyRegistry:
        """A copy of ``base`` (the built-in registry by default) with every plugin's vocabularies.

        A [`Vocabulary`][rrma_core.vocabularies.Vocabulary] a plugin returns is added; a
        ``(name, terms)`` pair adds terms to the open vocabulary ``name``. ``base`` itself is
        never changed.

        Raises:
            PluginError: naming the plugin, when it adds a vocabulary whose name is taken,
                extends a closed or unknown vocabulary, or redefines a term.
        """
        registry = (base if base is not None else builtin_registry()).copy()
        for plugin, items in self._provided("rrma_vocabularies"):
            for item in items:
                _add_vocabulary(registry, plugin, item)
        return registry

    # --- registering -------------------------------------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register a module or object as a plugin, now (tests, applications).

        The environment variables do not apply: what is registered explicitly is loaded.

        Args:
            plugin: A module, class or instance with ``@hookimpl`` functions.
            name: Its name; by default the module's ``__name__`` (or pluggy's canonical name).

        Raises:
            PluginError: when the name is taken, or a hook implementation has an unknown name
                or arguments its hook does not pass.
        """
        self._register(plugin, name, version=_module_version(plugin), origin="object")

    def _register(
        self, plugin: object, name: str | None, *, version: str | None, origin: str
    ) -> str:
        plugin_name = name or self.pm.get_canonical_name(plugin)
        if self.pm.has_plugin(plugin_name):
            raise PluginError(
                f"plugin {plugin_name!r} ({origin}): the name is already taken by "
                f"the plugin from {self.origin(plugin_name)}"
            )
        if self.pm.is_registered(plugin):
            raise PluginError(
                f"plugin {plugin_name!r} ({origin}) is the plugin "
                f"{self.pm.get_name(plugin)!r}, already loaded"
            )
        try:
            self.pm.register(plugin, name=plugin_name)
        except (ValueError, pluggy.PluginValidationError) as error:
            details = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
            raise PluginError(f"plugin {plugin_name!r} ({origin}): {details}") from error
        unknown = sorted(
            caller.name
            for caller in self.pm.get_hookcallers(plugin) or []
            if not caller.has_spec()
            and any(i.plugin is plugin and not i.optionalhook for i in caller.get_hookimpls())
        )
        try:
            if unknown:
                raise PluginError(
                    f"plugin {plugin_name!r} ({origin}) implements "
                    + ", ".join(f"{hook}{_did_you_mean(hook)}" for hook in unknown)
                    + f", which is not a hook (the hooks are {', '.join(_hook_names())})"
                )
            self.pm.check_pending()
        except (PluginError, pluggy.PluginValidationError) as error:
            self.pm.unregister(plugin, name=plugin_name)
            if isinstance(error, PluginError):
                raise
            raise PluginError(f"plugin {plugin_name!r} ({origin}): {error}") from error
        self._meta[plugin_name] = (version, origin)
        self._connectors = None
        self._exporters = None
        return plugin_name

    def _load_failed(self, name: str, origin: str, error: BaseException) -> None:
        if isinstance(error, PluginError):
            message = str(error)
        else:
            message = f"plugin {name!r} ({origin}) failed to load: {_describe_error(error)}"
        if self.strict:
            raise PluginError(message) from error
        # stacklevel 4: warn() <- _load_failed <- _load_* <- load_plugins <- its caller.
        warnings.warn(message + "; skipped", PluginWarning, stacklevel=4)


def _qualname(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _hook_names() -> list[str]:
    return sorted(name for name in vars(hookspecs) if name.startswith("rrma_"))


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, _hook_names(), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _module_version(plugin: object) -> str | None:
    version = getattr(plugin, "__version__", None)
    return version if isinstance(version, str) else None


def _check_connector(plugin: str, item: Any) -> type[Connector[Any]]:
    """``item`` if it is a complete connector class, else a PluginError naming the plugin."""
    if not (isinstance(item, type) and issubclass(item, Connector)):
        raise PluginError(
            f"plugin {plugin!r}: rrma_connectors() returned {_short(item, 80)}, which is not "
            "a subclass of rrma_core.connectors.Connector"
        )
    missing = []
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not name.strip():
        missing.append("name (a non-empty string: how rrma.toml refers to it)")
    record_type = getattr(item, "record_type", None)
    if not (isinstance(record_type, type) and issubclass(record_type, Record)):
        missing.append("record_type (the Record model its items become)")
    options = getattr(item, "Options", None)
    if not (isinstance(options, type) and issubclass(options, BaseModel)):
        missing.append("Options (a subclass of rrma_core.connectors.Options)")
    if item.fetch is Connector.fetch:
        missing.append("fetch(ctx) (the generator that yields the items)")
    if missing:
        raise PluginError(
            f"plugin {plugin!r}: connector class {_qualname(item)} is incomplete: it has no "
            + "; no ".join(missing)
        )
    return item


def _add_vocabulary(registry: VocabularyRegistry, plugin: str, item: Any) -> None:
    if isinstance(item, Vocabulary):
        try:
            registry.register(item)
        except VocabularyConflict as error:
            raise PluginError(
                f"plugin {plugin!r} cannot add the vocabulary {item.name!r}: {error}"
            ) from error
        return
    if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
        raise PluginError(
            f"plugin {plugin!r}: rrma_vocabularies() returned {_short(item, 80)}, which is "
            "neither a Vocabulary nor a (name, terms) pair"
        )
    name, terms = item
    terms = list(terms)
    strays = [term for term in terms if not isinstance(term, Term)]
    if strays:
        raise PluginError(
            f"plugin {plugin!r}: the terms for vocabulary {name!r} must be Term objects, "
            f"not {_short(strays[0], 80)}"
        )
    try:
        vocabulary = registry.get(name)
    except UnknownVocabulary as error:
        raise PluginError(
            f"plugin {plugin!r} extends a vocabulary that does not exist: {error}"
        ) from error
    if not vocabulary.extendable:
        raise PluginError(
            f"plugin {plugin!r} tries to add terms to the vocabulary {name!r}, which is closed "
            "(its codes are fixed)"
        )
    try:
        registry.extend(name, terms, provider=plugin)
    except VocabularyConflict as error:
        raise PluginError(
            f"plugin {plugin!r} cannot extend the vocabulary {name!r}: {error}"
        ) from error


# --- loading -------------------------------------------------------------------------------------


class _Selection:
    """Which plugins the environment lets load."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        only = environ.get(ENV_ONLY)
        self.only = _names(only) if only is not None else None
        self.disabled = _names(environ.get(ENV_DISABLE, ""))
        self.seen: set[str] = set()

    def allows(self, *names: str) -> bool:
        """Whether a plugin known by any of ``names`` (plugin, distribution) may load."""
        keys = {_canonical(name) for name in names}
        self.seen |= keys
        if keys & self.disabled:
            return False
        return self.only is None or bool(keys & self.only)


def load_plugins(
    plugin_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    strict: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> Plugins:
    """Find and load the plugins: installed entry points, then the files of ``plugin_dirs``.

    Entry points of the group ``rrma`` load first (sorted by name); then, for each folder in
    order, every ``*.py`` file whose name does not start with ``_`` or ``.``, sorted. A folder
    that does not exist is ignored, so that a workspace needs no ``plugins/`` folder.

    A plugin that fails to import or to register (an unknown hook name, an argument its hook
    does not pass, a name already taken) is skipped with a
    [`PluginWarning`][rrma_core._plugins.PluginWarning] naming it, where it came from and the
    error; the others load. In strict mode it is an error instead.

    Args:
        plugin_dirs: Folders of one-file plugins (``--plugins-dir``, a workspace's ``plugins/``).
        strict: Make a failure an error; by default, ``RRMA_STRICT_PLUGINS`` decides.
        environ: Where to read ``RRMA_PLUGINS``, ``RRMA_DISABLE_PLUGINS``,
            ``RRMA_STRICT_PLUGINS`` and ``RRMA_TRACE_PLUGINS``; ``os.environ`` by default.

    Returns:
        A new [`Plugins`][rrma_core._plugins.Plugins], shared with nothing else.

    Raises:
        PluginError: in strict mode, when a plugin fails to load.
    """
    env = os.environ if environ is None else environ
    if strict is None:
        strict = _flag(env.get(ENV_STRICT))
    plugins = Plugins(strict=strict, trace=_flag(env.get(ENV_TRACE)))
    selection = _Selection(env)
    _load_entry_points(plugins, selection)
    for folder in plugin_dirs:
        _load_folder(plugins, Path(folder), selection)
    if selection.only:
        unknown = selection.only - selection.seen
        if unknown:
            warnings.warn(
                f"{ENV_ONLY} names {', '.join(sorted(unknown))}, which no installed plugin "
                "or plugin file has",
                PluginWarning,
                stacklevel=2,
            )
    return plugins


def _load_entry_points(plugins: Plugins, selection: _Selection) -> None:
    entry_points = sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name
    )
    for entry_point in entry_points:
        dist = entry_point.dist
        dist_name = dist.name if dist is not None else None
        origin = f"entry point {dist_name or entry_point.value}"
        if not selection.allows(entry_point.name, *([dist_name] if dist_name else [])):
            continue
        try:
            plugin = entry_point.load()
            plugins._register(
                plugin,
                entry_point.name,
                version=dist.version if dist is not None else _module_version(plugin),
                origin=origin,
            )
        except Exception as error:
            plugins._load_failed(entry_point.name, origin, error)


def _load_folder(plugins: Plugins, folder: Path, selection: _Selection) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        plugins._load_failed(folder.name, f"folder {folder}", NotADirectoryError(str(folder)))
        return
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith(("_", ".")) or not path.is_file():
            continue
        name = path.stem
        origin = f"file {path}"
        if not selection.allows(name):
            continue
        try:
            module = _import_file(path)
            plugins._register(module, name, version=_module_version(module), origin=origin)
        except Exception as error:
            plugins._load_failed(name, origin, error)


def _import_file(path: Path) -> Any:
    """Import one plugin file as a fresh module, registered in ``sys.modules``.

    The module name holds a digest of the file's full path, so that two workspaces' files of
    one name never replace each other (``rrma_plugins_dir.agenda_1a2b3c4d``); being in
    ``sys.modules`` lets dataclasses and pydantic models in the file resolve their annotations.
    """
    resolved = path.resolve()
    digest = hashlib.sha1(str(resolved).encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"rrma_plugins_dir.{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, resolved)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
