"""CI check: `rrma sync` runs the example plugin's connector, found through its entry point.

It serves an agenda in The Events Calendar's shape on a loopback port, creates a workspace
with one `tribe-events` source, and runs the installed `rrma` command (given as argv[1]).
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PAYLOAD = {
    "events": [
        {
            "id": 7,
            "title": "Marché des solidarités",
            "url": "https://reseau.example.org/agenda/7/",
            "start_date": "2027-06-05 10:00:00",
            "end_date": "2027-06-05 18:00:00",
            "timezone": "Europe/Paris",
            "venue": {"venue": "Place Bellecour", "city": "Lyon", "zip": "69002"},
            "categories": [{"name": "Solidarité internationale"}],
        }
    ],
    "next_rest_url": None,
}


class Handler(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        body = json.dumps(PAYLOAD).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    rrma = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/wp-json/tribe/events/v1/events"
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        for args in (
            ["init", str(ws), "--name", "CI"],
            ["-w", str(ws), "sources", "add", "agenda", "tribe-events", "-o", f"url={url}"],
            ["-w", str(ws), "sync"],
        ):
            subprocess.run([rrma, *args], check=True)
        listed = subprocess.run(
            [rrma, "-w", str(ws), "events", "--format", "json"],
            check=True,
            capture_output=True,
            text=True,
        )
        titles = [e["title"]["fr"] for e in json.loads(listed.stdout)]
        assert titles == ["Marché des solidarités"], titles
        print("rrma sync ran the example connector:", titles)
    server.shutdown()


if __name__ == "__main__":
    main()
