"""The one safe way rrma_core fetches anything over HTTP.

Every connector fetches through a [`SafeSession`][rrma_core._http.SafeSession], which
defends against what real servers do to feed readers: servers that never answer or drip one
byte a second, gzip bombs, redirects to ``file:`` URLs or to the cloud metadata service,
rate limits, flaky gateways. It also makes polling polite: conditional requests, a
User-Agent that names the library, and a cap on concurrent requests per host.

The session only fetches bytes. It never hands a URL to a parser that would fetch by itself
(``feedparser.parse(url)`` has no timeout and no size cap): parsers get the bytes of
[`Response.content`][rrma_core._http.Response].

Example:
    ```python
    from rrma_core._http import HTTPPolicy, SafeSession, Validators

    with SafeSession(HTTPPolicy(deadline=60)) as session:
        response = session.get("https://example.org/feed.xml", validators=Validators())
        if not response.not_modified:
            parse(response.content)
        stored = response.validators.to_dict()
    ```
"""

from __future__ import annotations

import codecs
import contextlib
import email.message
import email.utils
import heapq
import http
import http.client
import importlib.metadata
import ipaddress
import itertools
import logging
import os
import random
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType, TracebackType
from typing import Annotated, Any, Literal, Self
from urllib.parse import SplitResult, urljoin, urlsplit

import pydantic
import requests
import requests.adapters
import requests.auth
import requests.structures
import requests.utils
import urllib3
import urllib3.connection
import urllib3.exceptions
import urllib3.poolmanager
from pydantic import ConfigDict, Field

from rrma_core.errors import (
    DeadlineExceeded,
    FetchError,
    HTTPStatusError,
    ResponseTooLarge,
    URLRefused,
)

__all__ = ["HTTPPolicy", "Response", "SafeSession", "Validators"]

logger = logging.getLogger(__name__)

#: The project page named in the User-Agent, so that a server operator knows who is calling.
PROJECT_URL = "https://github.com/rrma-core/rrma_core"

_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
#: The only request headers that follow a redirect to another origin.
_SAFE_ACROSS_ORIGINS = frozenset({"Accept", "Accept-Encoding", "Accept-Language", "User-Agent"})
#: How much is read from the socket, or produced by the decompressor, at a time.
_CHUNK = 64 * 1024

_PositiveSeconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class HTTPPolicy(pydantic.BaseModel):
    """The limits one [`SafeSession`][rrma_core._http.SafeSession] enforces.

    The defaults suit polling public feeds and calendars; a workspace may loosen or tighten
    them. Invalid values (a negative timeout, zero concurrency) raise pydantic's
    ``ValidationError``.

    Attributes:
        connect_timeout: Seconds to wait for a TCP connection to open.
        read_timeout: Seconds to wait for each read from the socket (for the headers, then
            for every piece of the body).
        deadline: Seconds one attempt may last in all: connecting, redirects, headers and the
            whole body. A server that drips one byte a second never trips ``read_timeout`` but
            is cut off here. Each retry gets a fresh deadline; waiting for a free per-host slot
            before the first connection does not count.
        max_bytes: Cap on the body size, applied both to the bytes on the wire and to the
            decoded bytes (so a gzip bomb stops at the cap, having used little memory).
        max_redirects: How many redirects one request may follow (0 refuses every redirect).
        retries: How many times a failed attempt is tried again (so ``retries + 1`` attempts
            at most). Only connection errors, timeouts and the statuses 408, 429, 500, 502,
            503 and 504 are retried.
        backoff: Seconds to wait before the first retry; each later wait doubles, plus up to
            ``jitter`` of random spread, capped by ``max_backoff``.
        max_backoff: The longest wait between two attempts, in seconds.
        jitter: Random spread added to each back-off, as a fraction of it (0.1 adds up to
            10 %), so that many clients do not retry in step. 0 makes waits exact.
        max_retry_after: The longest ``Retry-After`` (on 429 and 503) the session waits for,
            in seconds. A longer one fails at once, without waiting.
        per_host: How many requests may be in flight at once to one host name, across all
            the threads that share the session.
        private_addresses: Whether URLs may lead to private, loopback, link-local, reserved,
            multicast or unspecified addresses: ``"refuse-untrusted"`` (the default) refuses
            them for URLs found inside fetched data (``trusted=False``), ``"refuse"`` refuses
            them always, ``"allow"`` never does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect_timeout: _PositiveSeconds = 10.0
    read_timeout: _PositiveSeconds = 30.0
    deadline: _PositiveSeconds = 120.0
    max_bytes: Annotated[int, Field(gt=0)] = 20 * 1024 * 1024
    max_redirects: Annotated[int, Field(ge=0, le=50)] = 5
    retries: Annotated[int, Field(ge=0, le=20)] = 3
    backoff: _Seconds = 1.0
    max_backoff: _Seconds = 60.0
    jitter: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.1
    max_retry_after: _Seconds = 300.0
    per_host: Annotated[int, Field(ge=1)] = 4
    private_addresses: Literal["allow", "refuse-untrusted", "refuse"] = "refuse-untrusted"


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional request needs: the validators a server gave for a source.

    They are stored verbatim (quotes and ``W/`` included, dates not re-formatted) and sent
    back as ``If-None-Match`` and ``If-Modified-Since``.

    Attributes:
        etag: The ``ETag`` header of the last full response, if any.
        last_modified: The ``Last-Modified`` header of the last full response, if any.

    Raises:
        ValueError: If a value holds a line break or a NUL character (it would not be a
            valid header).
    """

    etag: str | None = None
    last_modified: str | None = None

    def __post_init__(self) -> None:
        for name in ("etag", "last_modified"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Validators.{name} must be a string or None, not {value!r}")
            if value is not None and any(c in value for c in "\r\n\0"):
                raise ValueError(f"Validators.{name} holds a line break or NUL: {value!r}")

    @property
    def empty(self) -> bool:
        """Whether there is nothing to send (the request will not be conditional)."""
        return not self.etag and not self.last_modified

    def to_dict(self) -> dict[str, str | None]:
        """The validators as a JSON-ready dict, for the source's stored state.

        Returns:
            ``{"etag": ..., "last_modified": ...}``, ``None`` where absent.
        """
        return {"etag": self.etag, "last_modified": self.last_modified}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Validators:
        """Rebuild validators from what [`to_dict`][rrma_core._http.Validators.to_dict] gave.

        Args:
            data: The stored dict; ``None`` or missing keys mean no validator.

        Returns:
            The validators.

        Raises:
            TypeError: If a value is neither a string nor ``None``.
            ValueError: If a value holds a line break or NUL.
        """
        if not data:
            return cls()
        return cls(etag=data.get("etag"), last_modified=data.get("last_modified"))


@dataclass(frozen=True, slots=True)
class Response:
    """What a successful fetch returned.

    Only 2xx and 304 answers make a ``Response``; anything else raises a
    [`FetchError`][rrma_core.errors.FetchError].

    Attributes:
        url: The final URL, after redirects.
        status_code: The HTTP status of the final answer (200, 304...).
        headers: The headers of the final answer, read-only and case-insensitive.
        content: The body, decoded from gzip or deflate; ``b""`` when ``not_modified``.
        validators: The validators to store for the next conditional request: those of
            this response, or, on a 304 that does not repeat them, the ones that were sent.
        not_modified: True when the server answered 304 Not Modified: there is nothing to
            parse and nothing to write.
        redirects: Every redirect followed, in order, as ``(status, target URL)``.
    """

    url: str
    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    content: bytes = b""
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    redirects: tuple[tuple[int, str], ...] = ()

    @property
    def charset(self) -> str | None:
        """The charset named by the ``Content-Type`` header, if any."""
        content_type = _header(self.headers, "Content-Type")
        if not content_type:
            return None
        message = email.message.Message()
        message["Content-Type"] = content_type
        charset = message.get_param("charset")
        if isinstance(charset, str) and charset.strip():
            return charset.strip().strip('"').lower()
        return None

    @property
    def permanent_url(self) -> str | None:
        """The URL to remember instead of the requested one, if the source moved for good.

        It is the final URL when at least one redirect was followed and every one of them
        was permanent (301 or 308); otherwise ``None``.
        """
        if self.redirects and all(s in _PERMANENT_REDIRECTS for s, _ in self.redirects):
            return self.url
        return None

    def json(self) -> Any:
        """The body parsed as JSON (decoded with [`text`][rrma_core._http.Response.text]).

        Raises:
            FetchError: when the body is not JSON, naming the URL.
        """
        import json as _json

        try:
            return _json.loads(self.text())
        except ValueError as error:
            raise FetchError(f"{self.url} did not return JSON: {error}", url=self.url) from None

    def text(self) -> str:
        """The body as text, decoded with the ``Content-Type`` charset.

        Falls back to UTF-8 when no charset is given or Python does not know it; bytes that
        do not decode become U+FFFD rather than raising. A UTF-8 byte-order mark is dropped.

        Returns:
            The decoded body.
        """
        charset = self.charset
        if charset:
            try:
                codecs.lookup(charset)
            except LookupError:
                charset = None
        if charset is None or charset.replace("_", "-") in {"utf-8", "utf8"}:
            charset = "utf-8-sig"
        return self.content.decode(charset, errors="replace")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return item
    return None


def _package_version() -> str:
    try:
        return importlib.metadata.version("rrma-core")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def _default_user_agent() -> str:
    return f"rrma-core/{_package_version()} (+{PROJECT_URL})"


# --- Addresses -------------------------------------------------------------------------------


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a seam for tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _address_problem(address: str) -> str | None:
    """Why ``address`` may not be fetched when private addresses are refused, or ``None``."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "a non-public address"
    return None


# --- The watchdog and the guarded connections ------------------------------------------------


class _Attempt:
    """One attempt at one URL: its deadline, its address rule and the socket in use.

    While an attempt runs, it is the calling thread's current attempt, so that the
    connection classes below can check the address they connected to and hand their socket
    to the watchdog. When the deadline passes, the watchdog shuts that socket down, which
    unblocks a read that would otherwise wait up to ``read_timeout`` for every byte, be it
    during the TLS handshake, the headers or the body.

    The watchdog holds its own duplicate of the socket's file descriptor, closed when the
    connection is handed back: it can never cut a descriptor the system has since reused
    for another connection, and it cuts the TLS connection even while ``ssl`` swaps the
    socket object during the handshake.
    """

    def __init__(
        self,
        *,
        deadline: float,
        clock: Callable[[], float],
        check_addresses: bool,
        why: str,
    ) -> None:
        self.deadline = deadline
        self.clock = clock
        self.check_addresses = check_addresses
        self.why = why
        self.url = ""
        self.proxied = False
        self.expired = False
        self.short_connect = False
        self.short_read = False
        self._deadline_at: float | None = None
        self._finished = False
        self._watched: socket.socket | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._deadline_at is not None

    def start(self) -> None:
        self._deadline_at = self.clock() + self.deadline
        _WATCHDOG.watch(self, self.deadline)

    @property
    def finished(self) -> bool:
        return self._finished

    def fire(self) -> None:
        """The deadline passed: cut the connection in use (the watchdog calls this)."""
        with self._lock:
            if self._finished:
                return
            self.expired = True
            if self._watched is not None:
                _shutdown(self._watched)

    def finish(self) -> bool:
        """Stop the watchdog; return whether the deadline had passed."""
        with self._lock:
            if not self._finished and self.started:
                _WATCHDOG.forget()
            self._finished = True
            self._unwatch()
            return self.expired

    def remaining(self) -> float:
        if self._deadline_at is None:
            return self.deadline
        return self._deadline_at - self.clock()

    def overdue(self) -> bool:
        return self.expired or self.remaining() <= 0

    def attach(self, sock: socket.socket) -> None:
        """Watch ``sock``: the socket of the connection this attempt now uses."""
        try:
            watched = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return  # already closed: the request fails on its own
        with self._lock:
            self._unwatch()
            if self._finished:
                watched.close()
                return
            self._watched = watched
            if self.expired:
                _shutdown(watched)

    def detach(self) -> None:
        """Stop watching the current socket (its connection goes back to the pool)."""
        with self._lock:
            self._unwatch()

    def _unwatch(self) -> None:
        if self._watched is not None:
            self._watched.close()
            self._watched = None


class _Watchdog:
    """One thread that fires the attempts whose deadline passed.

    A timer thread per request cost more than a conditional request answered 304 (starting
    a thread waits for it to run). Finished attempts stay in the queue until they come
    first or the queue is compacted; they are skipped, never fired.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        # Also run in a child process made by fork: the thread is not there, and the
        # condition may have been held by a thread of the parent when it forked.
        self._condition = threading.Condition(threading.Lock())
        self._queue: list[tuple[float, int, _Attempt]] = []
        self._count = itertools.count()
        self._live = 0
        self._thread: threading.Thread | None = None

    @property
    def thread(self) -> threading.Thread | None:
        """The watchdog's thread, once a request started it."""
        return self._thread

    def watch(self, attempt: _Attempt, delay: float) -> None:
        """Fire ``attempt`` in ``delay`` seconds, unless it finished by then."""
        entry = (time.monotonic() + delay, next(self._count), attempt)
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="rrma-http-watchdog", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._queue, entry)
            self._live += 1
            if self._queue[0] is entry:
                self._condition.notify()

    def forget(self) -> None:
        """An attempt finished before its deadline."""
        with self._condition:
            self._live -= 1
            if len(self._queue) > 64 + 2 * self._live:
                self._queue = [e for e in self._queue if not e[2].finished]
                heapq.heapify(self._queue)

    def _run(self) -> None:
        while True:
            with self._condition:
                while True:
                    while self._queue and self._queue[0][2].finished:
                        heapq.heappop(self._queue)
                    if not self._queue:
                        self._condition.wait()
                        continue
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        attempt = heapq.heappop(self._queue)[2]
                        break
                    self._condition.wait(wait)
            attempt.fire()


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG._reset)


@dataclass(frozen=True, slots=True)
class _OriginSettings:
    """What the environment says for one origin (see ``SafeSession._settings``)."""

    #: ``requests.Session.send`` arguments: proxies, CA bundle, client certificate, stream.
    send: dict[str, Any]
    #: Credentials from ``~/.netrc`` (``None``: those of the URL, if any).
    auth: requests.auth.AuthBase | None
    #: Whether a proxy is used.
    proxied: bool


def own_threads() -> list[threading.Thread]:
    """The threads this module runs in the background (the deadline watchdog)."""
    thread = _WATCHDOG.thread
    return [thread] if thread is not None and thread.is_alive() else []


def _shutdown(sock: socket.socket) -> None:
    # Shutting down (unlike closing) acts on the connection itself, for every descriptor
    # that refers to it: a read blocked in another thread returns at once.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


def _current_attempt() -> _Attempt | None:
    attempt: _Attempt | None = getattr(_current, "attempt", None)
    return attempt


def _guard(sock: socket.socket) -> None:
    """Check the address a connection really reached, and register it with the watchdog.

    Checking the connected peer, not only what the host name resolved to beforehand, defeats
    DNS rebinding (a name that resolves to a public address for the check and to a private
    one for the connection). Behind a proxy the peer is the proxy, so only the earlier
    check applies.
    """
    attempt = _current_attempt()
    if attempt is None:
        return
    attempt.attach(sock)
    if not attempt.check_addresses or attempt.proxied:
        return
    try:
        peer = str(sock.getpeername()[0])
    except OSError:
        return  # not connected: the request fails on its own
    problem = _address_problem(peer)
    if problem is not None:
        raise URLRefused(
            f"refused to fetch {attempt.url}: connected to {peer}, {problem} ({attempt.why})",
            url=attempt.url,
        )


class _GuardedHTTPConnection(urllib3.connection.HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        try:
            _guard(sock)
        except BaseException:
            sock.close()
            raise
        return sock

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.sock is not None:  # a kept-alive connection: check it for this request too
            try:
                _guard(self.sock)
            except BaseException:
                self.close()
                raise
        super().request(method, url, body, headers, **kwargs)


class _GuardedHTTPSConnection(_GuardedHTTPConnection, urllib3.connection.HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


_GUARDED_POOLS: dict[str, type[urllib3.HTTPConnectionPool]] = {
    "http": _GuardedHTTPConnectionPool,
    "https": _GuardedHTTPSConnectionPool,
}


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose connections report to the current attempt (see ``_guard``)."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_GUARDED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.poolmanager.ProxyManager:  # not SOCKS: it has its own
            manager.pool_classes_by_scheme = dict(_GUARDED_POOLS)
        return manager


# --- Decoding --------------------------------------------------------------------------------


class _Inflater:
    """Bounded gzip/deflate decoding: never produces much more than the cap allows."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._gzip = coding in {"gzip", "x-gzip"}
        self._obj = self._new()
        self._first = True
        self._raw_fallback = False
        self.seen_input = False

    def _new(self) -> Any:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS)

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        """Decode ``data`` into ``out``; raise ``_TooLarge`` once ``out`` passes ``limit``."""
        if data:
            self.seen_input = True
        pending = data
        while True:
            try:
                piece = self._obj.decompress(pending, _CHUNK)
            except zlib.error:
                # "deflate" is often sent as raw deflate, without the zlib header.
                if not self._gzip and self._first and not self._raw_fallback:
                    self._raw_fallback = True
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._first = False
            out += piece
            if len(out) > limit:
                raise _TooLarge
            pending = self._obj.unconsumed_tail
            if self._obj.eof:
                rest = self._obj.unused_data
                if not rest:
                    return
                if not self._gzip:
                    return  # trailing bytes after a deflate stream: ignored
                self._obj = self._new()  # concatenated gzip members
                pending = rest
                continue
            if not pending and len(piece) < _CHUNK:
                return

    def finish(self) -> None:
        """Raise ``zlib.error`` if the compressed stream ended early."""
        if self.seen_input and not self._obj.eof:
            raise zlib.error("the compressed stream ends early")


class _TooLarge(Exception):
    pass


# --- Retries ---------------------------------------------------------------------------------


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix."""

    def __init__(
        self,
        reason: str,
        *,
        url: str,
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status_code = status_code
        self.retry_after = retry_after

    def error(self, requested: str, attempts: int) -> FetchError:
        where = requested if self.url == requested else f"{requested} (redirected to {self.url})"
        after = f" after {attempts} attempts" if attempts > 1 else ""
        message = f"GET {where}: {self.reason}{after}"
        if self.status_code is not None:
            return HTTPStatusError(message, url=self.url, status_code=self.status_code)
        return FetchError(message, url=self.url)


def _status_text(response: requests.Response) -> str:
    try:
        phrase = http.HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason or ""
    return f"{response.status_code} {phrase}".rstrip()


_SECONDS = re.compile(r"\d+(\.\d+)?", re.ASCII)


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP-date), or ``None``."""
    if value is None:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


def _format_size(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size:,} bytes"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and every exception behind it (causes, contexts, urllib3 reasons)."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__]
        nested.extend(current.args)
        stack.extend(e for e in nested if isinstance(e, BaseException))


def _describe_connection_error(error: BaseException) -> str:
    for cause in _causes(error):
        if isinstance(cause, urllib3.exceptions.NameResolutionError | socket.gaierror):
            return "cannot resolve the host name"
    for cause in _causes(error):
        if isinstance(cause, http.client.RemoteDisconnected):
            return "the server closed the connection without answering"
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect ({cause.strerror})"
    return "the connection failed"


# --- The session -----------------------------------------------------------------------------


class SafeSession:
    """The HTTP session every connector fetches through.

    It wraps one ``requests.Session`` and may be shared by threads. Each
    [`get`][rrma_core._http.SafeSession.get] enforces the
    [`HTTPPolicy`][rrma_core._http.HTTPPolicy]: timeouts and a total deadline, a body size
    cap, redirect and address rules, retries with back-off, and a per-host concurrency limit.

    Args:
        policy: The limits to enforce; the defaults when ``None``.
        sleep: How to wait between attempts (tests pass a function that records the waits).
        clock: A monotonic clock in seconds, used for the deadline. The watchdog that cuts
            a stalled connection uses real time.

    Attributes:
        policy: The policy in force.
        user_agent: The ``User-Agent`` sent with every request:
            ``rrma-core/<version> (+https://github.com/rrma-core/rrma_core)``.
    """

    def __init__(
        self,
        policy: HTTPPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy if policy is not None else HTTPPolicy()
        self.user_agent = _default_user_agent()
        self._sleep = sleep
        self._clock = clock
        self._closed = False
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        self._origins: dict[tuple[str, str, int | None], _OriginSettings] = {}
        self._session = requests.Session()
        self._session.headers["User-Agent"] = self.user_agent
        self._session.headers["Accept-Encoding"] = "gzip, deflate"
        adapter = _GuardedAdapter(
            pool_connections=16,
            pool_maxsize=max(self.policy.per_host, 4),
            max_retries=0,
        )
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection. The session cannot be used afterwards."""
        self._closed = True
        self._session.close()

    def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        headers: Mapping[str, str] | None = None,
        trusted: bool = True,
    ) -> Response:
        """Fetch ``url`` under the policy, following redirects and retrying what may pass.

        Args:
            url: An ``http`` or ``https`` URL.
            validators: Validators stored for this source; they are sent as
                ``If-None-Match`` / ``If-Modified-Since``, and a 304 answer then gives a
                ``Response`` with ``not_modified=True`` and no content.
            headers: Extra request headers. They may replace the ``User-Agent`` but not
                ``Accept-Encoding``, which the session sets to what it can decode safely.
                ``Authorization`` and ``Cookie`` are dropped when a redirect leads to
                another origin.
            trusted: ``False`` for a URL found inside fetched data (a link in a feed, an
                API's ``next`` page): with the default policy, it may then not lead to a
                private, loopback or link-local address, nor redirect there.

        Returns:
            The final response: a 2xx with its body, or a 304 with none.

        Raises:
            URLRefused: The URL or a redirect is not http(s), leads to an address the policy
                refuses, or there are more than ``max_redirects`` redirects.
            HTTPStatusError: The server answered 4xx or 5xx (after the retries, for 408,
                429, 500, 502, 503 and 504) or a 3xx that is not a redirect, or asked to
                wait longer than ``max_retry_after``.
            DeadlineExceeded: An attempt lasted longer than ``deadline``.
            ResponseTooLarge: The body passed ``max_bytes``, on the wire or decoded.
            FetchError: The connection failed or broke (after the retries), TLS failed, the
                body was cut short or could not be decoded.
            RuntimeError: The session is closed.
            TypeError: ``url`` is not a string.
        """
        if self._closed:
            raise RuntimeError("this SafeSession is closed")
        _check_url(url)
        sent = validators if validators is not None else Validators()
        request_headers: dict[str, str] = {}
        if sent.etag:
            request_headers["If-None-Match"] = sent.etag
        if sent.last_modified:
            request_headers["If-Modified-Since"] = sent.last_modified
        for name, value in (headers or {}).items():
            if name.lower() != "accept-encoding":
                request_headers[name] = value

        policy = self.policy
        attempts = policy.retries + 1
        for number in range(1, attempts + 1):
            try:
                return self._attempt(url, request_headers, sent, trusted)
            except _Retryable as failure:
                if number == attempts:
                    raise failure.error(url, attempts) from failure.__cause__
                if failure.retry_after is not None:
                    wait = failure.retry_after
                else:
                    wait = self._backoff(number)
                logger.info(
                    "GET %s: %s; attempt %d of %d, next in %s",
                    url,
                    failure.reason,
                    number,
                    attempts,
                    _format_seconds(wait),
                )
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- one attempt ------------------------------------------------------------------------

    def _backoff(self, number: int) -> float:
        policy = self.policy
        wait = policy.backoff * 2.0 ** (number - 1)
        wait += wait * policy.jitter * random.random()
        return min(wait, policy.max_backoff)

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._slots_lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = threading.BoundedSemaphore(self.policy.per_host)
            return slot

    def _address_rule(self, trusted: bool) -> tuple[bool, str]:
        rule = self.policy.private_addresses
        if rule == "refuse":
            return True, "private addresses are refused by the policy"
        if rule == "refuse-untrusted" and not trusted:
            return True, "the URL comes from fetched data, which may not reach private addresses"
        return False, ""

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        sent: Validators,
        trusted: bool,
    ) -> Response:
        check, why = self._address_rule(trusted)
        attempt = _Attempt(
            deadline=self.policy.deadline, clock=self._clock, check_addresses=check, why=why
        )
        _current.attempt = attempt
        try:
            return self._follow(url, dict(headers), sent, attempt)
        finally:
            _current.attempt = None
            attempt.finish()

    def _follow(
        self, url: str, headers: dict[str, str], sent: Validators, attempt: _Attempt
    ) -> Response:
        current = url
        redirects: list[tuple[int, str]] = []
        while True:
            parts = _check_url(current)
            host = (parts.hostname or "").lower()
            attempt.url = current
            settings = self._settings(current)
            attempt.proxied = settings.proxied
            if attempt.check_addresses:
                self._check_resolved(current, host, parts, attempt)
            slot = self._slot(host)
            if not attempt.started:
                slot.acquire()
                attempt.start()
            elif not slot.acquire(timeout=max(attempt.remaining(), 0.0)):
                raise self._deadline_error(current, attempt)
            try:
                response = self._send(current, headers, attempt, settings)
                try:
                    status = response.status_code
                    if status in _REDIRECTS:
                        target = self._redirect_target(current, response, len(redirects))
                        redirects.append((status, target))
                        if _origin(target) != _origin(current):
                            # Another site gets none of the caller's headers: credentials,
                            # API keys (OpenAgenda's "key"), validators meant for this one.
                            for name in list(headers):
                                if name.title() not in _SAFE_ACROSS_ORIGINS:
                                    del headers[name]
                        current = target
                        continue
                    return self._finish(current, response, sent, attempt, tuple(redirects))
                finally:
                    response.close()
            finally:
                attempt.detach()
                slot.release()

    def _settings(self, url: str) -> _OriginSettings:
        """What the environment says for ``url``'s origin; read once per origin and session.

        requests reads it at every request: the whole environment four times (proxies,
        ``NO_PROXY``, CA bundle), ``~/.netrc`` twice, the CA bundle's path once. That was
        more than half the time of a conditional request answered 304.
        """
        key = _origin(url)
        found = self._origins.get(key)
        if found is None:
            settings = self._session.merge_environment_settings(url, {}, True, None, None)
            proxied = requests.utils.select_proxy(url, settings["proxies"]) is not None
            if key[0] == "http" and not proxied:
                settings["verify"] = True  # no TLS: do not look the CA bundle up on disk
            netrc = requests.utils.get_netrc_auth(url) if self._session.trust_env else None
            # None: what the URL says (user:password@), as requests does without ~/.netrc.
            auth = requests.auth.HTTPBasicAuth(*netrc) if netrc else None
            found = self._origins[key] = _OriginSettings(settings, auth, proxied)
        return found

    def _prepare(
        self, url: str, headers: Mapping[str, str], origin: _OriginSettings
    ) -> requests.PreparedRequest:
        """The GET request ``Session.prepare_request`` would make, without its merging work.

        The session's headers with the caller's over them, the origin's credentials, the
        session's cookies; no parameters nor hooks (the session has none).
        """
        request = requests.PreparedRequest()
        merged = requests.structures.CaseInsensitiveDict(self._session.headers)
        merged.update(headers)
        request.prepare(
            method="GET",
            url=url,
            headers=merged,
            auth=origin.auth,
            cookies=self._session.cookies,
        )
        return request

    def _check_resolved(self, url: str, host: str, parts: SplitResult, attempt: _Attempt) -> None:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            addresses = _resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise _Retryable("cannot resolve the host name", url=url) from error
        for address in addresses:
            problem = _address_problem(address)
            if problem is not None:
                raise URLRefused(
                    f"refused to fetch {url}: {host!r} resolves to {address}, {problem}"
                    f" ({attempt.why})",
                    url=url,
                )

    def _send(
        self, url: str, headers: dict[str, str], attempt: _Attempt, origin: _OriginSettings
    ) -> requests.Response:
        policy = self.policy
        remaining = attempt.remaining()
        if remaining <= 0:
            raise self._deadline_error(url, attempt)
        timeout = (min(policy.connect_timeout, remaining), min(policy.read_timeout, remaining))
        # A timeout cut down to what is left of the deadline means the deadline passed.
        attempt.short_connect = remaining < policy.connect_timeout
        attempt.short_read = remaining < policy.read_timeout
        try:
            return self._session.send(
                self._prepare(url, headers, origin),
                allow_redirects=False,
                timeout=timeout,
                **origin.send,
            )
        except requests.exceptions.SSLError as error:
            if attempt.overdue():
                raise self._deadline_error(url, attempt) from error
            raise FetchError(f"GET {url}: TLS error ({_innermost(error)})", url=url) from error
        except requests.exceptions.ConnectTimeout as error:
            if attempt.overdue() or attempt.short_connect:
                raise self._deadline_error(url, attempt) from error
            raise _Retryable(
                f"no connection within {_format_seconds(timeout[0])}", url=url
            ) from error
        except requests.exceptions.ReadTimeout as error:
            if attempt.overdue() or attempt.short_read:
                raise self._deadline_error(url, attempt) from error
            raise _Retryable(f"no answer within {_format_seconds(timeout[1])}", url=url) from error
        except requests.exceptions.ConnectionError as error:
            if attempt.overdue():
                raise self._deadline_error(url, attempt) from error
            raise _Retryable(_describe_connection_error(error), url=url) from error
        except requests.exceptions.RequestException as error:
            if attempt.overdue():
                raise self._deadline_error(url, attempt) from error
            raise FetchError(f"GET {url}: {_innermost(error)}", url=url) from error

    def _redirect_target(self, url: str, response: requests.Response, followed: int) -> str:
        location = response.headers.get("Location")
        if not location:
            raise FetchError(
                f"GET {url}: {_status_text(response)} without a Location header", url=url
            )
        target = urljoin(url, location.strip())
        if followed >= self.policy.max_redirects:
            raise URLRefused(
                f"GET {url}: more than {self.policy.max_redirects} redirects"
                f" (the next one leads to {target})",
                url=url,
            )
        scheme = urlsplit(target).scheme.lower()
        if scheme not in _SCHEMES:
            raise URLRefused(
                f"refused to follow the redirect from {url} to {target}:"
                f" only http and https URLs are fetched",
                url=url,
            )
        return target

    def _finish(
        self,
        url: str,
        response: requests.Response,
        sent: Validators,
        attempt: _Attempt,
        redirects: tuple[tuple[int, str], ...],
    ) -> Response:
        status = response.status_code
        final_url = response.url or url
        headers: Mapping[str, str] = MappingProxyType(
            requests.structures.CaseInsensitiveDict(response.headers)
        )
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304:
            # A 304 has no body (http.client reads none, whatever the headers say); reading
            # it marks the response consumed, so its connection goes back to the pool
            # instead of being closed: a warm sync reuses one connection per host.
            response.content  # noqa: B018
            validators = _validators(etag or sent.etag, last_modified or sent.last_modified)
            if attempt.finish():
                raise self._deadline_error(url, attempt)
            return Response(
                url=final_url,
                status_code=status,
                headers=headers,
                content=b"",
                validators=validators,
                not_modified=True,
                redirects=redirects,
            )
        if not 200 <= status < 300:
            raise self._status_failure(url, response)
        content = self._read_body(url, response, attempt)
        return Response(
            url=final_url,
            status_code=status,
            headers=headers,
            content=content,
            validators=_validators(etag, last_modified),
            not_modified=False,
            redirects=redirects,
        )

    def _status_failure(self, url: str, response: requests.Response) -> Exception:
        status = response.status_code
        text = _status_text(response)
        if status not in _RETRY_STATUSES:
            return HTTPStatusError(f"GET {url}: {text}", url=url, status_code=status)
        retry_after = None
        if status in _RETRY_AFTER_STATUSES:
            retry_after = _parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is not None and retry_after > self.policy.max_retry_after:
                return HTTPStatusError(
                    f"GET {url}: {text}; the server asks to retry after"
                    f" {_format_seconds(round(retry_after))}, longer than max_retry_after"
                    f" ({_format_seconds(self.policy.max_retry_after)})",
                    url=url,
                    status_code=status,
                )
        return _Retryable(text, url=url, status_code=status, retry_after=retry_after)

    def _read_body(self, url: str, response: requests.Response, attempt: _Attempt) -> bytes:
        cap = self.policy.max_bytes
        declared = _content_length(response.headers.get("Content-Length"))
        if declared is not None and declared > cap:
            raise self._too_large(url, f"it announces {declared:,} bytes")
        coding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        inflater: _Inflater | None = None
        if coding in {"gzip", "x-gzip", "deflate"}:
            inflater = _Inflater(coding)
        elif coding not in {"identity", ""}:
            raise FetchError(
                f"GET {url}: unsupported Content-Encoding {coding!r} (only gzip and deflate"
                " are accepted)",
                url=url,
            )
        raw: urllib3.HTTPResponse = response.raw
        body = bytearray()
        wire = 0
        try:
            while True:
                if attempt.overdue():
                    raise self._deadline_error(url, attempt, wire)
                chunk = raw.read1(_CHUNK, decode_content=False)
                if not chunk:
                    break
                wire += len(chunk)
                if wire > cap:
                    raise self._too_large(url, "on the wire")
                if inflater is None:
                    body += chunk
                else:
                    inflater.feed(chunk, body, cap)
            if inflater is not None:
                inflater.finish()
        except _TooLarge:
            raise self._too_large(url, "once decoded") from None
        except zlib.error as error:
            if attempt.finish():
                raise self._deadline_error(url, attempt, wire) from error
            raise FetchError(
                f"GET {url}: cannot decode the {coding} body ({error})", url=url
            ) from error
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
            timed_out = isinstance(error, urllib3.exceptions.ReadTimeoutError | TimeoutError)
            if attempt.finish() or (timed_out and attempt.short_read):
                raise self._deadline_error(url, attempt, wire) from error
            if timed_out:
                raise _Retryable(
                    f"the body stalled for more than {_format_seconds(self.policy.read_timeout)}"
                    f" after {wire:,} bytes",
                    url=url,
                ) from error
            raise _Retryable(
                f"the connection broke after {wire:,} bytes of the body", url=url
            ) from error
        if attempt.finish():
            # The watchdog may have cut the connection, which looks like a normal end.
            raise self._deadline_error(url, attempt, wire)
        if declared is not None and wire != declared:
            raise _Retryable(f"the body was cut short: {wire:,} of {declared:,} bytes", url=url)
        return bytes(body)

    def _too_large(self, url: str, how: str) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"GET {url}: the body is larger than the {_format_size(self.policy.max_bytes)}"
            f" cap ({how}; see HTTPPolicy.max_bytes)",
            url=url,
        )

    def _deadline_error(
        self, url: str, attempt: _Attempt, received: int | None = None
    ) -> DeadlineExceeded:
        got = f" ({received:,} bytes of body received)" if received is not None else ""
        return DeadlineExceeded(
            f"GET {url}: no complete answer within the {_format_seconds(attempt.deadline)}"
            f" deadline{got}",
            url=url,
        )


def _validators(etag: str | None, last_modified: str | None) -> Validators:
    def clean(value: str | None) -> str | None:
        if value is None or any(c in value for c in "\r\n\0"):
            return None
        return value

    return Validators(etag=clean(etag), last_modified=clean(last_modified))


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def _innermost(error: BaseException) -> str:
    last: BaseException = error
    for cause in _causes(error):
        last = cause
    return str(last) or type(last).__name__


def _check_url(url: str) -> SplitResult:
    """Refuse anything but an absolute http(s) URL with a host; return its parts."""
    if not isinstance(url, str):
        raise TypeError(f"a URL must be a string, not {type(url).__name__}")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise URLRefused(f"refused to fetch {url!r}: not a valid URL ({error})", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise URLRefused(
            f"refused to fetch {url!r}: only http and https URLs are fetched, not {shown}",
            url=url,
        )
    if not parts.hostname:
        raise URLRefused(f"refused to fetch {url!r}: the URL has no host", url=url)
    return parts
