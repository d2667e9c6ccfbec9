"""The workspace: a folder with ``rrma.toml``, its database, its plugins and its sources."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar, Generic, Self, TypeVar
from zoneinfo import ZoneInfo

import pydantic

from rrma_core._http import HTTPPolicy, SafeSession
from rrma_core._plugins import Plugins, load_plugins
from rrma_core.config import CONFIG_FILE, SourceConfig, WorkspaceConfig, WorkspaceSettings
from rrma_core.errors import ConfigError, InvalidRecord, StorageError
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import (
    MODELS,
    Actor,
    CallForProjects,
    Campaign,
    CampaignEdition,
    Event,
    MultiActorSpace,
    Observation,
    Programme,
    Project,
    Record,
    Resource,
    Training,
)
from rrma_core.models._base import utcnow
from rrma_core.models._types import _pad_code, _parse_sdg, vocabulary_code
from rrma_core.storage import RecordQuery, Store, StoredRow
from rrma_core.sync import ProgressCallback, SyncReport, run_sync
from rrma_core.vocabularies import VocabularyRegistry, use_registry
from rrma_core.vocabularies._core import fold

__all__ = ["RecordList", "Workspace", "jsonl_line"]

R = TypeVar("R", bound=Record)
Codes = str | int | Sequence[str | int] | None


class RecordList(list[R], Generic[R]):
    """A list of records, as the query methods return them, that converts to a DataFrame."""

    timezone: tzinfo = ZoneInfo("Europe/Paris")

    def to_dataframe(self, *, lang: str = "fr", personal_data: bool = False) -> Any:
        """One row per record, with typed columns.

        See [`to_dataframe`][rrma_core.dataframes.to_dataframe]; pandas is the optional
        extra ``rrma-core[pandas]``.
        """
        from rrma_core.dataframes import to_dataframe

        return to_dataframe(self, lang=lang, personal_data=personal_data, tz=self.timezone)


class Workspace:
    """A network's data: its configuration, database, plugins and sources.

    Open one with [`Workspace.open`][rrma_core.Workspace.open] (or create one with
    [`Workspace.init`][rrma_core.Workspace.init]); use it as a context manager to release the
    database at the end.

    Example:
        ```python
        from rrma_core import Workspace

        with Workspace.open("mon-reseau") as ws:
            report = ws.sync()
            for event in ws.events(upcoming=True, departement="69"):
                print(event.start, event.title)
        ```
    """

    def __init__(
        self,
        root: Path,
        config: WorkspaceConfig,
        *,
        plugins_dirs: Sequence[Path] = (),
        strict_plugins: bool | None = None,
        database: str | None = None,
    ) -> None:
        self.root = root
        self.config = config
        self._plugins_dirs = [*plugins_dirs]
        if (root / "plugins").is_dir():
            self._plugins_dirs.append(root / "plugins")
        self._strict_plugins = strict_plugins
        self._database = database or config.workspace.database
        self._plugins: Plugins | None = None
        self._registry: VocabularyRegistry | None = None
        self._store: Store | None = None
        self._http: SafeSession | None = None

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path = ".",
        *,
        plugins_dirs: Sequence[str | Path] = (),
        strict_plugins: bool | None = None,
        database: str | None = None,
    ) -> Workspace:
        """Open the workspace in folder ``path``.

        Args:
            path: The folder holding ``rrma.toml``.
            plugins_dirs: More folders of one-file plugins (the workspace's own ``plugins/``
                folder is always read).
            strict_plugins: Make a plugin that fails to load an error (default: a warning,
                or ``RRMA_STRICT_PLUGINS``).
            database: A database URL overriding the configuration's (tests, shared servers).

        Raises:
            ConfigError: when ``rrma.toml`` is missing or wrong, naming the key.
        """
        root = Path(path).resolve()
        config = WorkspaceConfig.load(root / CONFIG_FILE)
        return cls(
            root,
            config,
            plugins_dirs=[Path(p) for p in plugins_dirs],
            strict_plugins=strict_plugins,
            database=database,
        )

    @classmethod
    def init(
        cls,
        path: str | Path,
        *,
        name: str,
        region: str | None = None,
        database: str = "sqlite:///rrma.db",
    ) -> Workspace:
        """Create a workspace in folder ``path`` (created if needed) and open it.

        Raises:
            ConfigError: when the folder already has an ``rrma.toml``, or a value is wrong.
        """
        root = Path(path).resolve()
        if (root / CONFIG_FILE).exists():
            raise ConfigError(f"{root / CONFIG_FILE} already exists")
        try:
            settings = WorkspaceSettings(name=name, region=region, database=database)
        except pydantic.ValidationError as error:
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                for e in error.errors(include_url=False)
            )
            raise ConfigError(f"cannot create the workspace: {detail}") from None
        root.mkdir(parents=True, exist_ok=True)
        (root / "plugins").mkdir(exist_ok=True)
        WorkspaceConfig(workspace=settings).save(root / CONFIG_FILE)
        workspace = cls.open(root)
        workspace.store  # noqa: B018 - create the database now, so errors show at once
        return workspace

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the database and HTTP connections."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def __repr__(self) -> str:
        return f"<Workspace {self.config.workspace.name!r} at {self.root}>"

    # --- parts, built lazily -----------------------------------------------------------------

    @property
    def name(self) -> str:
        """The network's name."""
        return self.config.workspace.name

    @property
    def timezone(self) -> ZoneInfo:
        """The workspace's time zone (from its region unless set)."""
        return self.config.workspace.zone

    @property
    def plugins(self) -> Plugins:
        """The plugins loaded for this workspace (entry points, plugin folders)."""
        if self._plugins is None:
            self._plugins = load_plugins(self._plugins_dirs, strict=self._strict_plugins)
        return self._plugins

    @property
    def vocabularies(self) -> VocabularyRegistry:
        """The built-in vocabularies plus what this workspace's plugins add."""
        if self._registry is None:
            self._registry = self.plugins.vocabulary_registry()
        return self._registry

    @property
    def store(self) -> Store:
        """The database (opened, and created or upgraded, on first use)."""
        if self._store is None:
            self._store = Store(self._database, root=self.root, timezone=self.timezone)
        return self._store

    @property
    def http(self) -> SafeSession:
        """The safe HTTP session all connectors of this workspace fetch through."""
        if self._http is None:
            private = (
                "allow" if self.config.workspace.allow_private_addresses else "refuse-untrusted"
            )
            self._http = SafeSession(HTTPPolicy(private_addresses=private))
        return self._http

    def model_for(self, record_type: str) -> type[Record]:
        """The model class of a stored ``record_type`` (built-in or from a plugin's connector)."""
        for model in MODELS.values():
            if model.record_type == record_type:
                return model
        for connector in self.plugins.connectors().values():
            if connector.record_type.record_type == record_type:
                return connector.record_type
        raise StorageError(f"no model for stored records of type {record_type!r}")

    # --- sources -----------------------------------------------------------------------------

    @property
    def sources(self) -> list[SourceConfig]:
        """The configured sources."""
        return list(self.config.sources)

    def add_source(self, name: str, connector: str, **options: Any) -> SourceConfig:
        """Add a source to ``rrma.toml`` after checking its connector and options.

        Raises:
            ConfigError: for a taken name, an unknown connector or a bad option.
        """
        if any(s.name == name for s in self.config.sources):
            raise ConfigError(f"a source named {name!r} already exists")
        try:
            source = SourceConfig.model_validate({"name": name, "connector": connector, **options})
        except pydantic.ValidationError as error:
            raise ConfigError(f"source {name!r}: {error.errors()[0]['msg']}") from None
        self.plugins.connector(connector).parse_options(name, source.options)
        self.config.sources.append(source)
        self.config.save(self.root / CONFIG_FILE)
        return source

    def remove_source(self, name: str) -> None:
        """Remove a source from ``rrma.toml`` (its stored records stay)."""
        self.config.source(name)
        self.config.sources = [s for s in self.config.sources if s.name != name]
        self.config.save(self.root / CONFIG_FILE)

    def check_sources(self, names: Iterable[str] | None = None) -> list[SourceConfig]:
        """The enabled sources named (all by default), with connectors and options checked.

        Raises:
            ConfigError: naming the source and key of the first problem.
        """
        wanted = list(names) if names else None
        chosen = (
            [self.config.source(n) for n in wanted]
            if wanted
            else [s for s in self.config.sources if s.enabled]
        )
        for source in chosen:
            connector = self.plugins.connector(source.connector)
            connector.parse_options(source.name, source.options)
        return chosen

    def sync(
        self, sources: Iterable[str] | None = None, *, progress: ProgressCallback | None = None
    ) -> SyncReport:
        """Sync the sources (all enabled ones by default) and return the report.

        One failed source never stops the others nor touches its stored data; see
        [the sync page](../sync.md).
        """
        chosen = self.check_sources(sources)
        report = run_sync(self, chosen, progress=progress)
        self.plugins.hook.rrma_sync_finished(workspace=self, report=report)
        return report

    # --- records: writing --------------------------------------------------------------------

    def add(self, record: Record) -> Record:
        """Store a hand-entered record (validated again against this workspace's vocabularies).

        Raises:
            InvalidRecord: when it is not valid here.
            StorageError: when a record with its id is already stored.
        """
        record = self._revalidate(record)
        now = utcnow()
        with self.store.transaction() as conn:
            if self.store.rows(conn, [record.id]):
                raise StorageError(
                    f"a record with id {record.id!r} is already stored; use update()"
                )
            record = record.model_copy(update={"created_at": now, "updated_at": now})
            self.store.write(conn, record, exists_already=False)
        return record

    def update(self, record: Record) -> Record:
        """Replace a stored record by this version (``created_at`` is kept).

        Raises:
            StorageError: when no record has its id.
        """
        record = self._revalidate(record)
        with self.store.transaction() as conn:
            row = self.store.rows(conn, [record.id]).get(record.id)
            if row is None:
                raise StorageError(f"no stored record has id {record.id!r}; use add()")
            record = record.model_copy(
                update={"created_at": row.created_at, "updated_at": max(utcnow(), row.created_at)}
            )
            self.store.write(conn, record, exists_already=True)
        return record

    def withdraw(self, record_id: str) -> Record:
        """Mark a record withdrawn: kept, but left out of queries unless asked for."""
        record = self.get(record_id)
        withdrawn = record.model_copy(update={"withdrawn_at": utcnow()})
        return self.update(withdrawn)

    def modify(self, record_id: str, change: Callable[[Any], Record], model: type[R]) -> R:
        """Read a stored record, change it and store it, safe against concurrent writers.

        The record is read and written in one transaction that holds it (PostgreSQL locks
        its row, SQLite's write lock is taken at the start), so that two programs changing
        the same record one after the other both see their change kept.

        Args:
            record_id: The record to change.
            change: Called with the stored record; returns its new version (a model copy).
            model: The model the record must be (a space, a training...).

        Raises:
            KeyError: when no record has this id.
            InvalidRecord: when the new version is not valid.
            StorageError: when the stored record is not a ``model``.
        """
        with self.store.transaction() as conn:
            row = self.store.lock_row(conn, record_id)
            if row is None:
                raise KeyError(f"no stored record has id {record_id!r}")
            record = self._load([row])[0]
            if not isinstance(record, model):
                raise StorageError(
                    f"record {record_id!r} is a {row.record_type}, not a {model.record_type}"
                )
            changed = self._revalidate(change(record))
            stored = changed.model_copy(
                update={
                    "id": record_id,
                    "created_at": row.created_at,
                    "updated_at": max(utcnow(), row.created_at),
                }
            )
            self.store.write(conn, stored, exists_already=True)
        return stored  # type: ignore[return-value]  # a copy of a ``model``

    def person_data(self, person: str) -> dict[str, Any]:
        """Everything stored about a person (GDPR access): see
        [`person_data`][rrma_core.manage.person_data]."""
        from rrma_core.manage import person_data

        return person_data(self, person)

    def forget(self, person: str) -> Any:
        """Erase a person from every record, keeping the figures (GDPR erasure): see
        [`forget`][rrma_core.manage.forget], which returns a ``ForgetReport``."""
        from rrma_core.manage import forget

        return forget(self, person)

    def _revalidate(self, record: Record) -> Record:
        with use_registry(self.vocabularies):
            try:
                return type(record).model_validate(record.model_dump())
            except pydantic.ValidationError as error:
                raise InvalidRecord.from_validation_error(error, item=record.id) from None

    # --- records: reading --------------------------------------------------------------------

    def _load(self, rows: Iterable[StoredRow]) -> list[Any]:
        loaded = []
        with use_registry(self.vocabularies):
            for row in rows:
                model = self.model_for(row.record_type)
                try:
                    loaded.append(model.model_validate_json(row.data))
                except pydantic.ValidationError as error:
                    raise StorageError(
                        f"stored {row.record_type} {row.id!r} no longer validates "
                        f"(was a plugin's vocabulary removed?): {error.errors()[0]['msg']}"
                    ) from None
        return loaded

    def get(self, record_id: str) -> Record:
        """The stored record with this id (withdrawn or not).

        Raises:
            KeyError: when there is none.
        """
        row = self.store.get_row(record_id)
        if row is None:
            raise KeyError(f"no stored record has id {record_id!r}")
        return self._load([row])[0]  # type: ignore[no-any-return]

    def query(self, model: type[R], *, include_withdrawn: bool = False) -> _Query[R]:
        """A query builder on one model, for filters the helpers below do not offer."""
        return _Query(self, model, include_withdrawn=include_withdrawn)

    def records(
        self, model: type[R], *, include_withdrawn: bool = False, limit: int | None = None
    ) -> RecordList[R]:
        """Every stored record of ``model`` (plugins' record types included)."""
        return self.query(model, include_withdrawn=include_withdrawn).all(limit=limit)

    def events(
        self,
        *,
        upcoming: bool | None = None,
        start: date | datetime | None = None,
        end: date | datetime | None = None,
        region: Codes = None,
        departement: Codes = None,
        campaign: Codes = None,
        theme: Codes = None,
        sdg: Codes = None,
        kind: Codes = None,
        organiser: Codes = None,
        include_withdrawn: bool = False,
        limit: int | None = None,
    ) -> RecordList[Event]:
        """Events, soonest first, filtered by any of:

        Args:
            upcoming: Only events with an occurrence not over yet.
            start: Only events with an occurrence on or after this day.
            end: Only events with an occurrence on or before this day.
            region: Venue's région code(s).
            departement: Venue's département code(s).
            campaign: A campaign edition id (``alimenterre-2026``) or campaign code.
            theme: Sector code(s) or labels.
            sdg: SDG number(s).
            kind: Event kind(s) (``projection-debat``...).
            organiser: Organiser id(s) or name(s).
            include_withdrawn: Include withdrawn events.
            limit: At most this many.
        """
        q = self.query(Event, include_withdrawn=include_withdrawn)
        if upcoming:
            q.sql.where_upcoming()
        q.sql.where_between(start, end)
        q.region(region).departement(departement).theme(theme).sdg(sdg)
        q.sql.where_campaign(campaign)
        q.sql.where_column("category", kind)
        q.names("organiser", organiser)
        if upcoming:
            q.sql.order_by_next_occurrence()
        else:
            q.sql.order_by("start_at")
        return q.all(limit=limit)

    def calls(
        self,
        *,
        open_on: date | datetime | None = None,
        theme: Codes = None,
        funder: Codes = None,
        sdg: Codes = None,
        country: Codes = None,
        eligible: Codes = None,
        include_withdrawn: bool = False,
        limit: int | None = None,
    ) -> RecordList[CallForProjects]:
        """Calls for projects, closing soonest first.

        Args:
            open_on: Only calls that can be answered on this day.
            theme: Sector code(s) or labels.
            funder: Funder id(s) or name(s) (case and accents ignored).
            sdg: SDG number(s).
            country: Country code(s) where projects may take place.
            eligible: Actor type(s) that may apply.
            include_withdrawn: Include withdrawn calls.
            limit: At most this many.
        """
        q = self.query(CallForProjects, include_withdrawn=include_withdrawn)
        if open_on is not None:
            q.sql.where_open_on(open_on)
        q.theme(theme).sdg(sdg).country(country)
        q.names("funder", funder)
        q.sql.where_term("eligible", eligible)
        q.sql.order_by("deadline")
        return q.all(limit=limit)

    def actors(
        self,
        *,
        type: Codes = None,
        departement: Codes = None,
        region: Codes = None,
        country: Codes = None,
        sdg: Codes = None,
        theme: Codes = None,
        include_withdrawn: bool = False,
        limit: int | None = None,
    ) -> RecordList[Actor]:
        """Actors, by name, filtered by type, head office, countries, SDGs or sectors."""
        q = self.query(Actor, include_withdrawn=include_withdrawn)
        q.sql.where_column("category", type)
        q.region(region).departement(departement).country(country).sdg(sdg).theme(theme)
        q.sql.order_by("title")
        return q.all(limit=limit)

    def spaces(
        self,
        *,
        kind: Codes = None,
        theme: Codes = None,
        country: Codes = None,
        include_withdrawn: bool = False,
    ) -> RecordList[MultiActorSpace]:
        """Multi-actor spaces, by name."""
        q = self.query(MultiActorSpace, include_withdrawn=include_withdrawn)
        q.sql.where_column("category", kind)
        q.theme(theme).country(country)
        q.sql.order_by("title")
        return q.all()

    def trainings(
        self,
        *,
        upcoming: bool | None = None,
        theme: Codes = None,
        format: Codes = None,
        include_withdrawn: bool = False,
    ) -> RecordList[Training]:
        """Trainings, first session first."""
        q = self.query(Training, include_withdrawn=include_withdrawn)
        if upcoming:
            q.sql.where_upcoming()
        q.sql.where_term("training_theme", _many(theme))
        q.sql.where_column("category", format)
        q.sql.order_by("start_at")
        return q.all()

    def resources(
        self, *, kind: Codes = None, theme: Codes = None, include_withdrawn: bool = False
    ) -> RecordList[Resource]:
        """Resources, newest first."""
        q = self.query(Resource, include_withdrawn=include_withdrawn)
        q.sql.where_column("category", kind)
        q.theme(theme)
        q.sql.order_by("start_at")
        return RecordList(reversed(q.all()))

    def observations(
        self, *, indicator: Codes = None, region: Codes = None, departement: Codes = None
    ) -> RecordList[Observation]:
        """Observations, by indicator and period."""
        q = self.query(Observation)
        q.sql.where_column("category", indicator)
        q.region(region).departement(departement)
        q.sql.order_by("title", "start_at")
        return q.all()

    def projects(
        self,
        *,
        country: Codes = None,
        theme: Codes = None,
        status: Codes = None,
        include_withdrawn: bool = False,
    ) -> RecordList[Project]:
        """Projects, by start date."""
        q = self.query(Project, include_withdrawn=include_withdrawn)
        q.country(country).theme(theme)
        q.sql.where_column("category", status)
        q.sql.order_by("start_at")
        return q.all()

    def programmes(
        self, *, kind: Codes = None, include_withdrawn: bool = False
    ) -> RecordList[Programme]:
        """Programmes and funding schemes, by start date."""
        q = self.query(Programme, include_withdrawn=include_withdrawn)
        q.sql.where_column("category", kind)
        q.sql.order_by("start_at")
        return q.all()

    def campaigns(self) -> RecordList[Campaign]:
        """Stored campaigns."""
        q = self.query(Campaign)
        q.sql.order_by("title")
        return q.all()

    def campaign_editions(
        self, *, campaign: Codes = None, region: Codes = None
    ) -> RecordList[CampaignEdition]:
        """Stored campaign editions, by start date."""
        q = self.query(CampaignEdition)
        q.sql.where_column("category", campaign)
        q.region(region)
        q.sql.order_by("start_at")
        return q.all()

    # --- indicators ------------------------------------------------------------------------------

    def indicator(self, key: str, **params: Any) -> Any:
        """The figures of indicator ``key`` as a tidy pandas DataFrame.

        See [`compute`][rrma_core.indicators.compute] for the parameters (``period``,
        ``region``, ``lang``); pandas is the optional extra ``rrma-core[pandas]``.
        """
        from rrma_core.indicators import compute

        return compute(self, key, **params)

    def indicators(self) -> Any:
        """Every indicator available here: the built-in ones and the plugins'."""
        from rrma_core.indicators import indicators

        return indicators(self)

    # --- selecting across models ----------------------------------------------------------------

    #: The filters each query method takes (``select`` passes each model those it has).
    FILTERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "event": ("upcoming", "start", "end", "region", "departement", "campaign", "theme",
                  "sdg", "kind", "organiser"),
        "call": ("open_on", "theme", "funder", "sdg", "country", "eligible"),
        "actor": ("type", "departement", "region", "country", "sdg", "theme"),
    }  # fmt: skip

    def select(
        self,
        models: Iterable[type[Record]],
        *,
        include_withdrawn: bool = False,
        **filters: Any,
    ) -> list[Record]:
        """Records of several models at once, each filtered by the filters it knows.

        ``ws.select([Event, CallForProjects], departement="69", open_on=date.today())``
        gives the events in the Rhône and the calls open today (a call has no
        département, so that filter does not apply to it). A filter that applies to none of
        the models is an error, so that a typo is not silently ignored.

        Raises:
            ConfigError: for a filter no chosen model knows.
        """
        chosen = list(models)
        wanted = {k: v for k, v in filters.items() if v not in (None, (), [], False)}
        known = {f for m in chosen for f in self.FILTERS.get(m.record_type, ())}
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise ConfigError(
                f"filter {', '.join(unknown)} applies to none of "
                f"{', '.join(m.__name__ for m in chosen)}"
            )
        methods: dict[str, Callable[..., Sequence[Record]]] = {
            "event": self.events,
            "call": self.calls,
            "actor": self.actors,
        }
        found: list[Record] = []
        for model in chosen:
            method = methods.get(model.record_type)
            mine = {k: v for k, v in wanted.items() if k in self.FILTERS.get(model.record_type, ())}
            if method is not None:
                found.extend(method(include_withdrawn=include_withdrawn, **mine))
            else:
                found.extend(self.records(model, include_withdrawn=include_withdrawn))
        return found

    # --- exports -------------------------------------------------------------------------------

    def export(
        self,
        fmt: str,
        out: str | Path | IO[bytes],
        *,
        records: Iterable[Record] | None = None,
        models: Iterable[type[Record]] | None = None,
        lang: str = "fr",
        personal_data: bool = False,
        include_withdrawn: bool = False,
        where: Mapping[str, Any] | None = None,
        now: datetime | None = None,
        **options: Any,
    ) -> int:
        """Write records in format ``fmt`` (an exporter's name, such as ``"jsonl"``).

        Args:
            fmt: The exporter, from any installed plugin (``rrma plugins`` lists them).
            out: A file path, or a binary stream.
            records: The records to export (say, the result of ``ws.events(...)``);
                default: every stored record of the models the exporter accepts.
            models: With no ``records``: only these models.
            lang: The language of texts people read (``"fr"`` or ``"en"``).
            personal_data: Include personal data (contacts, trainees...); off by default.
            include_withdrawn: With no ``records``: include withdrawn records.
            where: With no ``records``: the query filters, as ``select`` takes them
                (``{"departement": "69", "upcoming": True}``, ``{"open_on": date.today()}``).
            now: The export's "now" (for "closes in N days", generation stamps); default
                the current time. Give one to get the same bytes from the same records.
            **options: The exporter's options.

        Returns:
            How many records were written.

        Raises:
            ConfigError: for an unknown format or a bad option.
        """
        exporters = self.plugins.exporters()
        if fmt not in exporters:
            known = ", ".join(sorted(exporters)) or "none"
            raise ConfigError(f"no exporter named {fmt!r} (installed: {known})")
        exporter_cls = exporters[fmt]
        exporter: Exporter[Any] = exporter_cls(exporter_cls.parse_options(options))
        if records is None:
            accepted = exporter_cls.record_types or tuple(MODELS.values())
            chosen = [m for m in (models or accepted) if m in accepted]
            records = self.select(chosen, include_withdrawn=include_withdrawn, **(where or {}))
        else:
            accepted = exporter_cls.record_types
            records = [r for r in records if not accepted or isinstance(r, accepted)]
        if not personal_data:
            records = [r.without_personal_data() for r in records]
        ctx = ExportContext(
            workspace=self.name, timezone=self.timezone, lang=lang, personal_data=personal_data
        )
        if now is not None:
            ctx.now = now
        # Labels come from this workspace's vocabularies (its plugins' sectors included).
        with use_registry(self.vocabularies):
            if isinstance(out, str | Path):
                path = Path(out)
                tmp = path.with_name(path.name + ".tmp")
                try:
                    with tmp.open("wb") as stream:
                        count = exporter.export(records, stream, ctx)
                except BaseException:
                    tmp.unlink(missing_ok=True)  # nothing half-written stays behind
                    raise
                tmp.replace(path)  # a reader never sees half a file
                return count
            return exporter.export(records, out, ctx)

    # --- JSON Lines ----------------------------------------------------------------------------

    def export_jsonl(
        self,
        out: IO[str],
        *,
        models: Iterable[type[Record]] | None = None,
        include_withdrawn: bool = False,
        personal_data: bool = False,
    ) -> int:
        """Write records as JSON Lines (one ``{"type": ..., "record": ...}`` per line).

        Personal data is left out unless ``personal_data`` is true. Returns the count.
        """
        count = 0
        for model in models or MODELS.values():
            for record in self.records(model, include_withdrawn=include_withdrawn):
                if not personal_data:
                    record = record.without_personal_data()
                out.write(jsonl_line(record))
                count += 1
        return count

    def import_jsonl(
        self, lines: Iterable[str], *, source: str = "import"
    ) -> tuple[int, list[str]]:
        """Add or update records from JSON Lines written by ``export_jsonl``.

        Every line is validated first; nothing is written unless every line is valid.

        Returns:
            ``(count, problems)``: how many were stored, and one message per bad line (when
            there are any, nothing was stored).
        """
        records: list[Record] = []
        problems: list[str] = []
        with use_registry(self.vocabularies):
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    model = self.model_for(data["type"])
                    records.append(
                        model.parse(data["record"], source=source, item=f"line {number}")
                    )
                except (ValueError, KeyError, TypeError, StorageError) as error:
                    if isinstance(error, InvalidRecord):
                        problems.append(str(error))
                    else:
                        problems.append(f"line {number}: {type(error).__name__}: {error}")
        if problems:
            return 0, problems
        with self.store.transaction() as conn:
            existing = self.store.rows(conn, [r.id for r in records])
            for record in records:
                self.store.write(conn, record, exists_already=record.id in existing)
        return len(records), []


def jsonl_line(record: Record) -> str:
    """One JSON Lines line of ``rrma export jsonl``: ``{"type": ..., "record": {...}}``."""
    line = {"type": record.record_type, "record": record.model_dump(mode="json")}
    return json.dumps(line, ensure_ascii=False) + "\n"


def _many(value: Codes) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int):
        return [str(value)]
    return [str(v) for v in value]


class _Query(Generic[R]):
    """Filters that need the workspace (vocabularies, time zone) on top of a RecordQuery."""

    def __init__(self, ws: Workspace, model: type[R], *, include_withdrawn: bool) -> None:
        self.ws = ws
        self.model = model
        self.sql = RecordQuery(model.record_type, ws.timezone, include_withdrawn=include_withdrawn)

    def _codes(self, value: Codes, normalise: Callable[[str], str]) -> list[str]:
        with use_registry(self.ws.vocabularies):
            return [normalise(v) for v in _many(value)]

    def region(self, value: Codes) -> Self:
        self.sql.where_column("region", self._codes(value, lambda v: str(_pad_code(v))))
        return self

    def departement(self, value: Codes) -> Self:
        self.sql.where_column("departement", self._codes(value, lambda v: str(_pad_code(v))))
        return self

    def theme(self, value: Codes) -> Self:
        self.sql.where_term("theme", self._codes(value, vocabulary_code("sectors", "sector")))
        return self

    def sdg(self, value: Codes) -> Self:
        self.sql.where_term("sdg", self._codes(value, lambda v: str(_parse_sdg(v))))
        return self

    def country(self, value: Codes) -> Self:
        self.sql.where_term("country", self._codes(value, str.upper))
        return self

    def names(self, facet: str, value: Codes) -> Self:
        self.sql.where_term(
            facet, [fold(v) if not v.startswith(("actor-",)) else v for v in _many(value)]
        )
        return self

    def all(self, limit: int | None = None) -> RecordList[R]:
        rows = self.ws.store.select_rows(self.sql.select(limit=limit))
        result: RecordList[R] = RecordList(self.ws._load(rows))
        result.timezone = self.ws.timezone
        return result

    def __iter__(self) -> Iterator[R]:
        return iter(self.all())
