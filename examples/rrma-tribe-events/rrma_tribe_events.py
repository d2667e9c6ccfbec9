"""A network's own connector: the agenda of a WordPress site running The Events Calendar."""

from collections.abc import Iterator
from typing import Any

from rrma_core import hookimpl
from rrma_core.connectors import Connector, FetchContext, Options
from rrma_core.models import Event


class TribeOptions(Options):
    url: str  # https://<site>/wp-json/tribe/events/v1/events
    campaign_edition: str | None = None


class TribeEvents(Connector[TribeOptions]):
    name = "tribe-events"
    record_type = Event
    Options = TribeOptions

    def fetch(self, ctx: FetchContext) -> Iterator[dict[str, Any]]:
        url: str | None = self.options.url
        while url:  # the API pages with next_rest_url
            page = ctx.get(url, conditional=url == self.options.url).json()
            for item in page.get("events", []):
                if not item.get("start_date"):
                    ctx.skip(item.get("id"), "no start date")
                    continue
                tz = item.get("timezone") or "Europe/Paris"
                venue = item.get("venue") or {}
                yield {
                    "source_id": str(item["id"]),
                    "title": item["title"],
                    "description": item.get("description") or None,
                    "url": item.get("url"),
                    "occurrences": [
                        {
                            "start": _aware(item["start_date"], tz),
                            "end": _aware(item.get("end_date"), tz),
                        }
                    ],
                    "venue": {
                        "name": venue.get("venue"),
                        "address": {
                            "street": venue.get("address"),
                            "postal_code": venue.get("zip"),
                            "city": venue.get("city"),
                        },
                    }
                    if venue
                    else None,
                    "keywords": [c["name"] for c in item.get("categories", [])],
                    "campaign_edition": self.options.campaign_edition,
                }
            url = page.get("next_rest_url")


def _aware(local: str | None, tz: str) -> str | None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).isoformat() if local else None


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    return [TribeEvents]
