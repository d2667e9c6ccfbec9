"""The bytes before feedparser: encodings, the DOCTYPE, the prolog, the end of the document."""

from __future__ import annotations

import pytest

from rrma_rss import NotAFeed
from rrma_rss._feed import parse_feed, prepare

URL = "https://www.reseau-rrma.example.org/feed/"
BODY = (
    '<rss version="2.0"><channel><title>Appels</title><item><title>Appel été</title>'
    "<guid>1</guid></item></channel></rss>"
)


def titles(content: bytes, content_type: str | None = None) -> list[str]:
    return [e.title for e in parse_feed(content, url=URL, content_type=content_type).data.entries]


@pytest.mark.parametrize(
    "doctype",
    [
        "<!DOCTYPE rss>",
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
        '<!DOCTYPE rss [ <!ENTITY a "x > y ] z"> ]>',
        "<!DOCTYPE rss [ <!ENTITY a 'apostrophe \" et crochet ]>'> ]>",
        '<!DOCTYPE rss [\n<!-- commentaire avec ]> dedans -->\n<!ENTITY b "b">\n]>',
        '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd" [ <!ENTITY % p SYSTEM "x"> %p; ]>',
        "<!doctype rss>",
    ],
)
def test_removes_every_form_of_doctype(doctype: str) -> None:
    content = f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- avant -->\n{doctype}\n{BODY}'
    body, root, removed, _ = prepare(content.encode(), url=URL)
    assert removed
    assert root == "rss"
    assert b"DOCTYPE" not in body.upper()
    assert b"ENTITY" not in body
    assert titles(content.encode()) == ["Appel été"]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]
)
def test_reads_every_encoding(encoding: str) -> None:
    declared = {"utf-8-sig": "UTF-8", "latin-1": "ISO-8859-1"}.get(encoding, encoding.upper())
    content = f'<?xml version="1.0" encoding="{declared}"?>\n{BODY}'.encode(encoding)
    assert titles(content) == ["Appel été"]


def test_utf16_with_a_doctype_bomb_is_defused_too() -> None:
    bomb = '<!DOCTYPE rss [ <!ENTITY a "' + "a" * 10_000 + '"> ]>'
    content = f'<?xml version="1.0" encoding="UTF-16"?>\n{bomb}\n{BODY}'.replace(
        "Appel été", "&a;&a;&a;"
    ).encode("utf-16")
    assert titles(content) == ["&a;&a;&a;"]


def test_invalid_utf16_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed, match="not valid UTF-16-LE"):
        prepare(b"\xff\xfe<\x00r\x00\x00\xd8", url=URL)


def test_the_servers_charset_wins_unless_the_bytes_say_otherwise() -> None:
    latin1 = f'<?xml version="1.0"?>\n{BODY}'.encode("latin-1")
    assert titles(latin1, "application/rss+xml; charset=ISO-8859-1") == ["Appel été"]
    utf8 = f'<?xml version="1.0"?>\n{BODY}'.encode()
    # valid UTF-8 labelled latin-1 by a server default: the bytes are trusted
    assert titles(utf8, "text/xml; charset=ISO-8859-1") == ["Appel été"]
    assert titles(utf8, "application/rss+xml; charset=nonsense") == ["Appel été"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty body"),
        (b"<!DOCTYPE html><html></html>", "HTML page"),
        (b"<?xml version='1.0'?>\n<!DOCTYPE html>\n<html></html>", "HTML page"),
        (b"<body>Erreur</body>", "HTML page"),
        (b"[1, 2]", "JSON"),
        (b"<?xml version='1.0'", "XML declaration never ends"),
        (b"<!-- commentaire sans fin", "comment never ends"),
        (b'<!DOCTYPE rss [ <!ENTITY a "sans fin> ]>', "quoted string in the DOCTYPE"),
        (b"<!DOCTYPE rss [ <!-- sans fin ]>", "comment in the DOCTYPE"),
        (b"<rss><channel>", "does not end with </rss>"),
        (b"Bonjour", "did not return XML"),
    ],
)
def test_refuses_what_is_not_a_whole_feed(content: bytes, message: str) -> None:
    with pytest.raises(NotAFeed, match=message):
        parse_feed(content, url=URL)


def test_accepts_trailing_comments_and_a_self_closed_root() -> None:
    content = f"{BODY}\n<!-- WP Super Cache: 0.012s -->\n<!-- fin -->\n".encode()
    assert titles(content) == ["Appel été"]
    empty = parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"/>', url=URL)
    assert empty.data.entries == []
    assert empty.root == "feed"


def test_rdf_root_with_a_prefix() -> None:
    content = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>T</title></channel>'
        b'<item rdf:about="https://x.org/1"><title>Un</title><link>https://x.org/1</link></item>'
        b"</rdf:RDF>"
    )
    parsed = parse_feed(content, url=URL)
    assert parsed.root == "rdf:RDF"
    assert parsed.data.version == "rss10"
