"""Tests of the safe HTTP layer (``rrma_core._http``).

Most tests talk to pytest-httpserver on loopback. Faults it cannot produce (a server that
drips bytes, stalls, cuts a body short, streams without end, or holds requests open to
measure concurrency) come from ``RawServer``, a small socket server written below.

No test asserts timing measured with ``time.sleep``: back-off and ``Retry-After`` waits go
through an injected ``sleep`` that only records them.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import multiprocessing
import re
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pydantic
import pytest
import requests
import requests.sessions
import requests.utils
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from rrma_core import _http
from rrma_core._http import HTTPPolicy, Response, SafeSession, Validators
from rrma_core.errors import (
    DeadlineExceeded,
    FetchError,
    HTTPStatusError,
    ResponseTooLarge,
    URLRefused,
)

# --- helpers ---------------------------------------------------------------------------------

Handler = Callable[["RawServer", socket.socket, bytes], None]


class RawServer:
    """A loopback TCP server running ``handler(server, conn, request_head)`` per connection."""

    def __init__(self, handler: Handler, *, read_head: bool = True) -> None:
        self.handler = handler
        self.read_head = read_head
        self.stop = threading.Event()
        self.connections = 0
        self.heads: list[bytes] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._serve, daemon=True)
        self._acceptor.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                head = b""
                while self.read_head and b"\r\n\r\n" not in head:
                    data = conn.recv(4096)
                    if not data:
                        return
                    head += data
                with self._lock:
                    self.heads.append(head)
                self.handler(self, conn, head)
            except OSError:
                pass  # the client hung up, as the tests intend

    def close(self) -> None:
        self.stop.set()
        self._acceptor.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Handler, *, read_head: bool = True) -> RawServer:
        server = RawServer(handler, read_head=read_head)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def head_bytes(status: str = "200 OK", **headers: str | int) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Recorder:
    """Stands in for ``time.sleep``: records the waits, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def session(sleep: Recorder | None = None, **policy: Any) -> SafeSession:
    return SafeSession(HTTPPolicy(**policy), sleep=sleep or Recorder())


def counting(responses: list[WResponse]) -> tuple[Callable[[Request], WResponse], list[Request]]:
    """A handler answering ``responses`` in order (the last one repeated), and its requests."""
    seen: list[Request] = []

    def handler(request: Request) -> WResponse:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handler, seen


def gzip_bomb(decoded: int) -> bytes:
    """One gzip member holding ``decoded`` zero bytes (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [compressor.compress(block) for _ in range(decoded >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


# --- the happy path --------------------------------------------------------------------------


def test_get_returns_body_headers_and_sends_user_agent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"<rss/>", content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    with session() as s:
        response = s.get(httpserver.url_for("/feed"))

    assert response.status_code == 200
    assert response.content == b"<rss/>"
    assert response.url == httpserver.url_for("/feed")
    assert response.not_modified is False
    assert response.headers["content-type"] == "application/rss+xml"
    assert response.validators == Validators(etag='"v1"')
    request, _ = httpserver.log[0]
    assert re.fullmatch(
        r"rrma-core/\S+ \(\+https://github\.com/rrma-core/rrma_core\)",
        request.headers["User-Agent"],
    )
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


def test_user_agent_attribute_names_library_version_and_project() -> None:
    with SafeSession() as s:
        assert s.user_agent.startswith("rrma-core/")
        assert s.user_agent.endswith("(+https://github.com/rrma-core/rrma_core)")
        version = s.user_agent.split("/", 1)[1].split(" ", 1)[0]
        assert version  # the installed version, or "0+unknown"


def test_caller_headers_are_sent_but_accept_encoding_stays(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api").respond_with_json({"ok": True})
    with session() as s:
        s.get(
            httpserver.url_for("/api"),
            headers={"Accept": "application/json", "Accept-Encoding": "br"},
        )
    request, _ = httpserver.log[0]
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


def test_closed_session_refuses_to_fetch(httpserver: HTTPServer) -> None:
    s = session()
    s.close()
    with pytest.raises(RuntimeError, match="closed"):
        s.get(httpserver.url_for("/"))
    assert httpserver.log == []


# --- conditional requests --------------------------------------------------------------------


def test_conditional_headers_sent_verbatim_and_304_handled(httpserver: HTTPServer) -> None:
    sent = Validators(etag='W/"abc-1"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    httpserver.expect_request(
        "/feed",
        headers={
            "If-None-Match": 'W/"abc-1"',
            "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
        },
    ).respond_with_data(b"", status=304)
    with session() as s:
        response = s.get(httpserver.url_for("/feed"), validators=sent)

    assert response.not_modified is True
    assert response.status_code == 304
    assert response.content == b""
    assert response.validators == sent  # the server repeated none: keep the sent ones
    assert len(httpserver.log) == 1


def test_304_with_new_etag_updates_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=304, headers={"ETag": '"v2"'})
    with session() as s:
        response = s.get(
            httpserver.url_for("/feed"),
            validators=Validators(etag='"v1"', last_modified="Tue, 01 Jan 2030 00:00:00 GMT"),
        )
    assert response.validators == Validators(
        etag='"v2"', last_modified="Tue, 01 Jan 2030 00:00:00 GMT"
    )


def test_no_validators_means_no_conditional_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"x", headers={"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    with session() as s:
        response = s.get(httpserver.url_for("/feed"), validators=Validators())
    request, _ = httpserver.log[0]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers
    assert response.validators == Validators(last_modified="Wed, 21 Oct 2015 07:28:00 GMT")


def test_validators_round_trip_through_a_dict() -> None:
    validators = Validators(etag='"x"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    assert Validators.from_dict(validators.to_dict()) == validators
    assert Validators.from_dict(None) == Validators()
    assert Validators.from_dict({}).empty
    assert Validators.from_dict({"etag": '"x"'}) == Validators(etag='"x"')
    assert not validators.empty


def test_validators_refuse_header_injection_and_wrong_types() -> None:
    with pytest.raises(ValueError, match="line break"):
        Validators(etag='"x"\r\nX-Evil: 1')
    with pytest.raises(TypeError, match="string or None"):
        Validators.from_dict({"etag": 12})


# --- redirects -------------------------------------------------------------------------------


def test_redirect_chain_followed_and_final_url_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(
        b"", status=302, headers={"Location": httpserver.url_for("/c")}
    )
    httpserver.expect_request("/c").respond_with_data(b"final")
    with session() as s:
        response = s.get(httpserver.url_for("/a"))

    assert response.content == b"final"
    assert response.url == httpserver.url_for("/c")
    assert response.redirects == (
        (301, httpserver.url_for("/b")),
        (302, httpserver.url_for("/c")),
    )
    assert response.permanent_url is None  # a 302 in the chain: keep the original URL
    assert [r.path for r, _ in httpserver.log] == ["/a", "/b", "/c"]


def test_permanent_redirects_give_a_permanent_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        b"", status=301, headers={"Location": "/older"}
    )
    httpserver.expect_request("/older").respond_with_data(
        b"", status=308, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(b"ok")
    with session() as s:
        response = s.get(httpserver.url_for("/old"))
    assert response.permanent_url == httpserver.url_for("/new")


def test_too_many_redirects_refused(httpserver: HTTPServer) -> None:
    for n in range(4):
        httpserver.expect_request(f"/r{n}").respond_with_data(
            b"", status=302, headers={"Location": f"/r{n + 1}"}
        )
    with session(max_redirects=2) as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/r0"))
    assert "more than 2 redirects" in str(caught.value)
    assert len(httpserver.log) == 3  # the original request and two redirects, no more


def test_redirect_loop_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        b"", status=302, headers={"Location": "/loop"}
    )
    with session(max_redirects=5) as s, pytest.raises(URLRefused, match="more than 5"):
        s.get(httpserver.url_for("/loop"))
    assert len(httpserver.log) == 6


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed.xml",
        "data:text/plain,hello",
        "gopher://example.org/",
    ],
)
def test_redirect_to_other_scheme_refused(httpserver: HTTPServer, location: str) -> None:
    httpserver.expect_request("/go").respond_with_data(
        b"", status=302, headers={"Location": location}
    )
    with session() as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/go"))
    assert location in str(caught.value)
    assert "only http and https" in str(caught.value)


def test_redirect_without_location_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/go").respond_with_data(b"", status=302)
    with session() as s, pytest.raises(FetchError, match="without a Location"):
        s.get(httpserver.url_for("/go"))


def test_caller_headers_dropped_on_cross_origin_redirect(
    httpserver: HTTPServer, raw_server: Callable[..., RawServer]
) -> None:
    def ok(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_bytes(Content_Length=2, Connection="close") + b"ok")

    other = raw_server(ok)  # 127.0.0.1:<other port>: another origin than localhost:<port>
    httpserver.expect_request("/same").respond_with_data(
        b"", status=302, headers={"Location": "/here"}
    )
    httpserver.expect_request("/here").respond_with_data(b"here")
    httpserver.expect_request("/away").respond_with_data(
        b"", status=302, headers={"Location": other.url("/there")}
    )
    secret = {"Authorization": "Bearer s3cret", "Cookie": "session=1", "X-Keep": "yes"}
    with session() as s:
        s.get(httpserver.url_for("/same"), headers=secret)
        s.get(httpserver.url_for("/away"), headers=secret)

    here = httpserver.log[1][0]
    assert here.headers["Authorization"] == "Bearer s3cret"  # same origin: kept
    (there,) = other.heads
    assert b"authorization" not in there.lower()
    assert b"s3cret" not in there
    assert b"session=1" not in there
    # Any header of the caller's (an API key such as OpenAgenda's "key") stays behind.
    assert b"x-keep" not in there.lower()
    assert b"user-agent: rrma-core/" in there.lower()


# --- URL and address refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed",
        "data:text/plain,hi",
        "javascript:alert(1)",
        "/etc/passwd",
        "example.org/feed",
        "http:///no-host",
        "http://example.org:99999/",
    ],
)
def test_non_http_or_malformed_url_refused_up_front(url: str) -> None:
    waits = Recorder()
    with session(waits) as s, pytest.raises(URLRefused) as caught:
        s.get(url)
    assert repr(url) in str(caught.value)
    assert caught.value.url == url
    assert waits.waits == []


def test_untrusted_url_to_loopback_refused_by_default(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/internal").respond_with_data(b"secret")
    with session() as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/internal"), trusted=False)
    assert "loopback" in str(caught.value)
    assert httpserver.log == []  # refused before any request was sent


def test_untrusted_url_allowed_with_policy_allow(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/internal").respond_with_data(b"fine")
    with session(private_addresses="allow") as s:
        response = s.get(httpserver.url_for("/internal"), trusted=False)
    assert response.content == b"fine"


def test_trusted_url_to_loopback_allowed_by_default(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(b"fine")
    with session() as s:
        assert s.get(httpserver.url_for("/x")).content == b"fine"


def test_trusted_url_refused_with_policy_refuse(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(b"secret")
    with session(private_addresses="refuse") as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/x"))
    assert "refused by the policy" in str(caught.value)
    assert httpserver.log == []


def test_every_resolved_address_is_checked(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One public and one private address: the private one is enough to refuse.
    monkeypatch.setattr(_http, "_resolve", lambda host, port: ["93.184.216.34", "10.1.2.3"])
    with session() as s, pytest.raises(URLRefused, match=r"10\.1\.2\.3, a private address"):
        s.get(httpserver.url_for("/x"), trusted=False)
    assert httpserver.log == []


def test_redirect_hop_to_link_local_is_checked(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let loopback through so the first hop reaches the test server; the second hop, to the
    # cloud metadata address, must be refused before any connection is made.
    real = _http._address_problem
    monkeypatch.setattr(
        _http,
        "_address_problem",
        lambda address: None if address in {"127.0.0.1", "::1"} else real(address),
    )
    resolved: list[str] = []
    real_resolve = _http._resolve

    def spy(host: str, port: int) -> list[str]:
        resolved.append(host)
        return real_resolve(host, port)

    monkeypatch.setattr(_http, "_resolve", spy)
    httpserver.expect_request("/start").respond_with_data(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with session() as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/start"), trusted=False)
    assert "169.254.169.254, a link-local address" in str(caught.value)
    assert resolved == ["localhost", "169.254.169.254"]


def test_dns_rebinding_caught_at_connection(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name "resolves" to a public address for the check, but the connection lands on
    # loopback: the connected peer is checked too.
    httpserver.expect_request("/x").respond_with_data(b"secret")
    monkeypatch.setattr(_http, "_resolve", lambda host, port: ["93.184.216.34"])
    with session() as s, pytest.raises(URLRefused) as caught:
        s.get(httpserver.url_for("/x"), trusted=False)
    assert "connected to" in str(caught.value)
    assert "loopback" in str(caught.value)
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-public"),
        ("fc00::1", "private"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_classification(address: str, expected: str | None) -> None:
    problem = _http._address_problem(address)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem


def test_unresolvable_host_is_a_fetch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(_http, "_resolve", fail)
    waits = Recorder()
    with session(waits, retries=1, jitter=0) as s, pytest.raises(FetchError) as caught:
        s.get("http://feeds.example.invalid/rss", trusted=False)
    assert "cannot resolve" in str(caught.value)
    assert "after 2 attempts" in str(caught.value)
    assert waits.waits == [1.0]


# --- retries ---------------------------------------------------------------------------------


def test_429_retry_after_seconds_is_honoured(httpserver: HTTPServer) -> None:
    handler, seen = counting(
        [WResponse("slow down", status=429, headers={"Retry-After": "7"}), WResponse("ok")]
    )
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits) as s:
        response = s.get(httpserver.url_for("/feed"))
    assert response.content == b"ok"
    assert waits.waits == [7.0]
    assert len(seen) == 2


def test_503_retry_after_http_date_is_honoured(httpserver: HTTPServer) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    handler, seen = counting(
        [WResponse("busy", status=503, headers={"Retry-After": when}), WResponse("ok")]
    )
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits) as s:
        assert s.get(httpserver.url_for("/feed")).content == b"ok"
    (wait,) = waits.waits
    assert 25 <= wait <= 30
    assert len(seen) == 2


def test_retry_after_beyond_max_fails_without_waiting(httpserver: HTTPServer) -> None:
    handler, seen = counting([WResponse("later", status=429, headers={"Retry-After": "3600"})])
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits, max_retry_after=300) as s, pytest.raises(HTTPStatusError) as caught:
        s.get(httpserver.url_for("/feed"))
    assert caught.value.status_code == 429
    assert "3600 s" in str(caught.value)
    assert "max_retry_after" in str(caught.value)
    assert waits.waits == []
    assert len(seen) == 1


def test_unparsable_retry_after_falls_back_to_backoff(httpserver: HTTPServer) -> None:
    handler, _ = counting(
        [WResponse("x", status=503, headers={"Retry-After": "soon-ish"}), WResponse("ok")]
    )
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits, backoff=2, jitter=0) as s:
        s.get(httpserver.url_for("/feed"))
    assert waits.waits == [2.0]


def test_exponential_backoff_then_status_error_naming_attempts(httpserver: HTTPServer) -> None:
    handler, seen = counting([WResponse("boom", status=500)])
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    policy = {"retries": 4, "backoff": 1.0, "max_backoff": 5.0, "jitter": 0}
    with session(waits, **policy) as s, pytest.raises(HTTPStatusError) as caught:
        s.get(httpserver.url_for("/feed"))
    assert waits.waits == [1.0, 2.0, 4.0, 5.0]  # doubled, then capped by max_backoff
    assert len(seen) == 5
    assert caught.value.status_code == 500
    assert caught.value.url == httpserver.url_for("/feed")
    assert str(caught.value) == (
        f"GET {httpserver.url_for('/feed')}: 500 Internal Server Error after 5 attempts"
    )


def test_backoff_jitter_stays_within_its_fraction(httpserver: HTTPServer) -> None:
    handler, _ = counting([WResponse("boom", status=502)])
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits, retries=3, backoff=1.0, jitter=0.5) as s, pytest.raises(HTTPStatusError):
        s.get(httpserver.url_for("/feed"))
    for wait, base in zip(waits.waits, [1.0, 2.0, 4.0], strict=True):
        assert base <= wait <= base * 1.5


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(httpserver: HTTPServer, status: int) -> None:
    handler, seen = counting([WResponse("x", status=status), WResponse("ok")])
    httpserver.expect_request("/feed").respond_with_handler(handler)
    with session(retries=1) as s:
        assert s.get(httpserver.url_for("/feed")).content == b"ok"
    assert len(seen) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_other_client_errors_are_not_retried(httpserver: HTTPServer, status: int) -> None:
    handler, seen = counting([WResponse("no", status=status)])
    httpserver.expect_request("/feed").respond_with_handler(handler)
    waits = Recorder()
    with session(waits) as s, pytest.raises(HTTPStatusError) as caught:
        s.get(httpserver.url_for("/feed"))
    assert len(seen) == 1
    assert waits.waits == []
    assert caught.value.status_code == status
    assert "after" not in str(caught.value)


def test_404_message_names_url_and_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data(b"", status=404)
    with session() as s, pytest.raises(HTTPStatusError) as caught:
        s.get(httpserver.url_for("/gone"))
    assert str(caught.value) == f"GET {httpserver.url_for('/gone')}: 404 Not Found"


def test_status_error_after_redirect_names_both_urls(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=503)
    with session(retries=1) as s, pytest.raises(HTTPStatusError) as caught:
        s.get(httpserver.url_for("/a"))
    message = str(caught.value)
    assert message.startswith(f"GET {httpserver.url_for('/a')} (redirected to ")
    assert message.endswith("503 Service Unavailable after 2 attempts")
    assert caught.value.url == httpserver.url_for("/b")


def test_connection_refused_is_retried_then_fetch_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # The port is closed now: nothing listens there.
    waits = Recorder()
    with session(waits, retries=2, backoff=0.5, jitter=0) as s, pytest.raises(FetchError) as caught:
        s.get(f"http://127.0.0.1:{port}/feed")
    assert type(caught.value) is FetchError
    assert waits.waits == [0.5, 1.0]
    assert "cannot connect" in str(caught.value)
    assert "after 3 attempts" in str(caught.value)


# --- body size, decoding and truncation ------------------------------------------------------


def test_content_length_over_cap_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with session(max_bytes=1000) as s, pytest.raises(ResponseTooLarge) as caught:
        s.get(httpserver.url_for("/big"))
    assert "announces 5,000 bytes" in str(caught.value)
    assert "1,000 bytes cap" in str(caught.value)


def test_body_exactly_at_cap_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fit").respond_with_data(b"x" * 1000)
    with session(max_bytes=1000) as s:
        assert len(s.get(httpserver.url_for("/fit")).content) == 1000


@pytest.mark.parametrize("framing", ["chunked", "close-delimited"])
def test_endless_body_without_content_length_stops_at_cap(
    raw_server: Callable[..., RawServer], framing: str
) -> None:
    sent = [0]

    def endless(server: RawServer, conn: socket.socket, head: bytes) -> None:
        block = b"x" * 65536
        if framing == "chunked":
            conn.sendall(head_bytes(Transfer_Encoding="chunked"))
            frame = b"%x\r\n" % len(block) + block + b"\r\n"
        else:
            conn.sendall(head_bytes(Connection="close"))
            frame = block
        while not server.stop.is_set() and sent[0] < 64 << 20:  # the client should stop early
            conn.sendall(frame)
            sent[0] += len(block)

    server = raw_server(endless)
    with session(max_bytes=256 * 1024) as s, pytest.raises(ResponseTooLarge, match="on the wire"):
        s.get(server.url("/stream"))
    assert sent[0] < 16 << 20


@pytest.mark.parametrize("shape", ["one member", "many members"])
def test_gzip_bomb_stops_at_decoded_cap_with_little_memory(
    httpserver: HTTPServer, shape: str
) -> None:
    if shape == "one member":
        bomb = gzip_bomb(64 << 20)  # ~64 KB on the wire, 64 MiB decoded
    else:
        member = gzip.compress(b"\0" * (1 << 20))
        bomb = member * 1024  # ~1 MB on the wire, 1 GiB decoded
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    cap = 1 << 20
    with session(max_bytes=4 * cap if shape == "many members" else cap) as s:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="once decoded"):
                s.get(httpserver.url_for("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 32 << 20  # a few times the cap, far from the decoded size


def test_gzip_and_deflate_bodies_are_decoded(httpserver: HTTPServer) -> None:
    text = "Réseau régional multi-acteurs\n".encode() * 100
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    bodies = {
        "/gz": (gzip.compress(text), "gzip"),
        "/two": (gzip.compress(text[:50]) + gzip.compress(text[50:]), "gzip"),
        "/zlib": (zlib.compress(text), "deflate"),
        "/raw": (raw_deflate.compress(text) + raw_deflate.flush(), "deflate"),
    }
    for path, (body, coding) in bodies.items():
        httpserver.expect_request(path).respond_with_data(
            body, headers={"Content-Encoding": coding}
        )
    with session() as s:
        for path in bodies:
            assert s.get(httpserver.url_for(path)).content == text, path


def test_truncated_gzip_is_a_fetch_error(httpserver: HTTPServer) -> None:
    body = gzip.compress(b"abc" * 10000)
    httpserver.expect_request("/cut").respond_with_data(
        body[: len(body) // 2], headers={"Content-Encoding": "gzip"}
    )
    with session() as s, pytest.raises(FetchError, match="cannot decode the gzip body"):
        s.get(httpserver.url_for("/cut"))


def test_unsupported_content_encoding_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/br").respond_with_data(
        b"\x1b\x00", headers={"Content-Encoding": "br"}
    )
    with session() as s, pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        s.get(httpserver.url_for("/br"))


def test_truncated_body_is_retried_then_fetch_error(
    raw_server: Callable[..., RawServer],
) -> None:
    def cut(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_bytes(Content_Length=1000) + b"x" * 500)
        # Returning closes the connection, 500 bytes short.

    server = raw_server(cut)
    waits = Recorder()
    with session(waits, retries=1) as s, pytest.raises(FetchError) as caught:
        s.get(server.url("/feed"))
    assert type(caught.value) is FetchError  # neither too large nor a deadline
    assert server.url("/feed") in str(caught.value)
    assert "after 2 attempts" in str(caught.value)
    assert server.connections == 2
    assert len(waits.waits) == 1


# --- deadline --------------------------------------------------------------------------------


def test_dripping_body_cut_at_deadline(raw_server: Callable[..., RawServer]) -> None:
    def drip(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_bytes(Content_Length=100))
        # One byte every 50 ms, 5 s in all: no read ever times out.
        for _ in range(100):
            if server.stop.wait(0.05):
                return
            conn.sendall(b"x")

    server = raw_server(drip)
    waits = Recorder()
    started = time.monotonic()
    with (
        session(waits, deadline=1.5, read_timeout=5) as s,
        pytest.raises(DeadlineExceeded) as caught,
    ):
        s.get(server.url("/drip"))
    elapsed = time.monotonic() - started
    assert elapsed < 1.5 + 3  # the property under test: cut at the deadline, not later
    assert "1.5 s deadline" in str(caught.value)
    assert waits.waits == []  # a deadline is not retried
    assert server.connections == 1


def test_stalled_body_cut_at_deadline_before_read_timeout(
    raw_server: Callable[..., RawServer],
) -> None:
    def stall(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_bytes(Content_Length=100) + b"x" * 10)
        server.stop.wait(8)
        conn.sendall(b"x" * 90)

    server = raw_server(stall)
    started = time.monotonic()
    waits = Recorder()
    with session(waits, deadline=1.0, read_timeout=20) as s, pytest.raises(DeadlineExceeded):
        s.get(server.url("/stall"))
    assert time.monotonic() - started < 1.0 + 3  # not the 20 s read timeout
    assert waits.waits == []


def test_dripping_headers_cut_at_deadline(raw_server: Callable[..., RawServer]) -> None:
    def drip_headers(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(100):  # 5 s of headers, then a complete (too late) answer
            if server.stop.wait(0.05):
                return
            conn.sendall(b"a")
        conn.sendall(b"\r\nContent-Length: 2\r\n\r\nok")

    server = raw_server(drip_headers)
    started = time.monotonic()
    with session(deadline=1.0, read_timeout=5) as s, pytest.raises(DeadlineExceeded):
        s.get(server.url("/slow-headers"))
    assert time.monotonic() - started < 1.0 + 3


def test_dripping_tls_handshake_cut_at_deadline(
    raw_server: Callable[..., RawServer],
) -> None:
    def drip_handshake(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.recv(4096)  # the ClientHello
        # A TLS record header announcing 16 KB of handshake, then one byte every 50 ms.
        conn.sendall(b"\x16\x03\x03\x40\x00")
        for _ in range(100):
            if server.stop.wait(0.05):
                return
            conn.sendall(b"\x00")

    server = raw_server(drip_handshake, read_head=False)
    waits = Recorder()
    started = time.monotonic()
    with (
        session(waits, deadline=1.0, connect_timeout=5, read_timeout=5) as s,
        pytest.raises(DeadlineExceeded),
    ):
        s.get(f"https://127.0.0.1:{server.port}/feed")
    assert time.monotonic() - started < 1.0 + 3
    assert waits.waits == []


def test_requests_share_one_watchdog_thread(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/x").respond_with_data(b"ok")
    with session() as s:
        s.get(httpserver.url_for("/x"))  # the first request of the process may start it
        started: list[str] = []
        start = threading.Thread.start

        def counted(thread: threading.Thread) -> None:
            started.append(thread.name)
            start(thread)

        monkeypatch.setattr(threading.Thread, "start", counted)
        for _ in range(5):
            assert s.get(httpserver.url_for("/x")).content == b"ok"
    assert started == []  # not a timer thread per request
    assert [t.name for t in _http.own_threads()] == ["rrma-http-watchdog"]


def test_finished_requests_do_not_pile_up_in_the_watchdog(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(b"ok")
    with session(deadline=600) as s:
        for _ in range(200):
            s.get(httpserver.url_for("/x"))
    # Each request waited on a 600 s deadline it did not reach: the queue is compacted.
    assert len(_http._WATCHDOG._queue) <= 64 + 2 * _http._WATCHDOG._live


def _fetch_in_child(url: str, results: Any) -> None:
    try:
        with session(deadline=1.0, read_timeout=5) as s:
            s.get(url)
        results.put("no error")
    except DeadlineExceeded as error:
        results.put(f"deadline: {error}")
    except BaseException as error:
        results.put(f"{type(error).__name__}: {error}")


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork (Linux)"
)
def test_deadline_cuts_in_a_forked_child(
    raw_server: Callable[..., RawServer], httpserver: HTTPServer
) -> None:
    # The parent's watchdog thread does not exist in a child made by fork: the child must
    # start its own, or a dripping server would hold it for the whole read timeouts.
    httpserver.expect_request("/x").respond_with_data(b"ok")
    with session() as s:
        s.get(httpserver.url_for("/x"))
    assert _http.own_threads()  # running in this (parent) process

    def drip(server: RawServer, conn: socket.socket, head: bytes) -> None:
        conn.sendall(head_bytes(Content_Length=100))
        for _ in range(100):  # one byte every 50 ms, 5 s in all
            if server.stop.wait(0.05):
                return
            conn.sendall(b"x")

    server = raw_server(drip)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_fetch_in_child, args=(server.url("/drip"), results))
    started = time.monotonic()
    child.start()
    outcome = results.get(timeout=30)
    child.join(timeout=30)
    assert outcome.startswith("deadline:"), outcome
    assert "1 s deadline" in outcome
    assert time.monotonic() - started < 1.0 + 3


def test_netrc_credentials_are_sent_and_read_once_per_origin(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine localhost login reseau password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    lookups: list[str] = []
    real = requests.utils.get_netrc_auth

    def counted(url: str, raise_errors: bool = False) -> tuple[str, str] | None:
        lookups.append(url)
        return real(url, raise_errors)

    monkeypatch.setattr(requests.utils, "get_netrc_auth", counted)
    monkeypatch.setattr(requests.sessions, "get_netrc_auth", counted)
    handler, seen = counting([WResponse(b"ok")])
    httpserver.expect_request("/x").respond_with_handler(handler)
    base = f"http://localhost:{httpserver.port}"
    with session() as s:
        for _ in range(3):
            s.get(f"{base}/x")
        s.get(f"http://127.0.0.1:{httpserver.port}/x")  # another origin, not in the file
    expected = "Basic " + base64.b64encode(b"reseau:s3cret").decode()
    assert [r.headers.get("Authorization") for r in seen] == [expected] * 3 + [None]
    assert len(lookups) == 2  # once per origin, not once per request


def test_credentials_in_the_url_are_sent(httpserver: HTTPServer) -> None:
    handler, seen = counting([WResponse(b"ok")])
    httpserver.expect_request("/x").respond_with_handler(handler)
    with session() as s:
        s.get(f"http://reseau:s3cret@localhost:{httpserver.port}/x")
    expected = "Basic " + base64.b64encode(b"reseau:s3cret").decode()
    assert [r.headers.get("Authorization") for r in seen] == [expected]


def test_cookies_a_server_sets_are_sent_back_to_it(httpserver: HTTPServer) -> None:
    first = WResponse(b"ok")
    first.set_cookie("consent", "oui", path="/")
    handler, seen = counting([first, WResponse(b"ok")])
    httpserver.expect_request("/x").respond_with_handler(handler)
    with session() as s:
        s.get(httpserver.url_for("/x"))
        s.get(httpserver.url_for("/x"), headers={"If-None-Match": '"v1"'})
    assert [r.headers.get("Cookie") for r in seen] == [None, "consent=oui"]
    assert seen[1].headers["If-None-Match"] == '"v1"'
    assert seen[1].headers["User-Agent"] == s.user_agent


def test_deadline_uses_the_injected_clock(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(b"x" * 10)
    ticks = iter([0.0, 0.0, 1000.0, 1000.0, 1000.0, 1000.0])
    s = SafeSession(HTTPPolicy(deadline=5), sleep=Recorder(), clock=lambda: next(ticks, 1000.0))
    with s, pytest.raises(DeadlineExceeded):
        s.get(httpserver.url_for("/x"))


# --- per-host concurrency --------------------------------------------------------------------


def test_per_host_limit_respected_across_threads(
    raw_server: Callable[..., RawServer],
) -> None:
    lock = threading.Lock()
    in_flight = [0]
    most = [0]
    full = threading.Event()  # two requests are being served
    too_many = threading.Event()  # a third one got through
    gate = threading.Event()  # lets the held requests finish

    def hold(server: RawServer, conn: socket.socket, head: bytes) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            if in_flight[0] == 2:
                full.set()
            if in_flight[0] > 2:
                too_many.set()
        gate.wait(10)
        with lock:
            in_flight[0] -= 1
        conn.sendall(head_bytes(Content_Length=2, Connection="close") + b"ok")

    server = raw_server(hold)
    results: list[bytes] = []
    errors: list[BaseException] = []

    with session(per_host=2) as s:

        def fetch(n: int) -> None:
            try:
                results.append(s.get(server.url(f"/item/{n}")).content)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=fetch, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        try:
            assert full.wait(5), "two requests should be in flight at once"
            # With a broken limit, a third request arrives within this window.
            assert not too_many.wait(0.5)
        finally:
            gate.set()
            for thread in threads:
                thread.join(10)

    assert errors == []
    assert results == [b"ok"] * 6
    assert most[0] == 2
    assert server.connections == 6


# --- text decoding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        ("café".encode("latin-1"), "text/plain; charset=ISO-8859-1", "café"),
        ("café".encode(), "text/plain", "café"),
        ("café".encode(), 'text/xml; charset="utf-8"', "café"),
        ("\ufeffcafé".encode(), "text/plain; charset=utf-8", "café"),
        ("café".encode("cp1252"), "text/plain; charset=windows-1252", "café"),
        ("café".encode(), "text/plain; charset=no-such-charset", "café"),
        (b"caf\xff", "text/plain", "caf\ufffd"),
    ],
)
def test_text_uses_charset_with_utf8_fallback(
    content: bytes, content_type: str, expected: str
) -> None:
    response = Response(
        url="https://example.org/",
        status_code=200,
        headers={"Content-Type": content_type},
        content=content,
    )
    assert response.text() == expected


def test_text_charset_from_a_real_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/latin").respond_with_data(
        "Créteil".encode("latin-1"), content_type="text/plain; charset=iso-8859-1"
    )
    with session() as s:
        response = s.get(httpserver.url_for("/latin"))
    assert response.charset == "iso-8859-1"
    assert response.text() == "Créteil"


# --- policy ----------------------------------------------------------------------------------


def test_policy_defaults() -> None:
    policy = HTTPPolicy()
    assert policy.connect_timeout == 10.0
    assert policy.read_timeout == 30.0
    assert policy.deadline == 120.0
    assert policy.max_bytes == 20 * 1024 * 1024
    assert policy.max_redirects == 5
    assert policy.retries == 3
    assert policy.private_addresses == "refuse-untrusted"


@pytest.mark.parametrize(
    "bad",
    [
        {"connect_timeout": -1},
        {"read_timeout": 0},
        {"deadline": float("inf")},
        {"max_bytes": 0},
        {"max_redirects": -1},
        {"retries": -2},
        {"backoff": -0.5},
        {"jitter": 2},
        {"per_host": 0},
        {"private_addresses": "sometimes"},
        {"unknown_field": 1},
    ],
)
def test_policy_rejects_invalid_values(bad: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        HTTPPolicy(**bad)
    assert next(iter(bad)) in str(caught.value)


def test_policy_is_frozen() -> None:
    policy = HTTPPolicy()
    with pytest.raises(pydantic.ValidationError):
        policy.deadline = 1  # type: ignore[misc]


# --- connection reuse -----------------------------------------------------------------------


@pytest.fixture
def keep_alive_server() -> Iterator[tuple[str, list[int]]]:
    """An HTTP/1.1 server that keeps connections open and counts the ones it accepts
    (pytest-httpserver's werkzeug server speaks HTTP/1.0: every response ends its connection)."""
    import http.server

    accepted: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            accepted.append(1)
            super().setup()

        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            body = b'{"id": 1}\n' * 100
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.jsonl", accepted
    finally:
        server.shutdown()
        server.server_close()


def test_responses_200_and_304_leave_their_connection_to_the_next_request(
    keep_alive_server: tuple[str, list[int]],
) -> None:
    url, accepted = keep_alive_server
    with SafeSession(HTTPPolicy(private_addresses="allow")) as session:
        first = session.get(url)
        assert first.status_code == 200
        assert len(first.content) == 1000
        for _ in range(10):
            again = session.get(url, validators=first.validators)
            assert again.not_modified
            assert again.content == b""
        assert session.get(url).status_code == 200
    # Twelve requests, one connection: a warm sync does not open one per source.
    assert len(accepted) == 1
