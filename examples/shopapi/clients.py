"""Outbound HTTP: the carrier API, the notification service, FX rates, alerts.

Connection pools are app-scoped: ``http`` (httpx) and ``_session`` (requests)
live at module level, and ``CarrierClient`` owns one aiohttp session created
when the application starts.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import httpx
import requests

from .config import Settings, get_settings

log = logging.getLogger(__name__)

USER_AGENT = "shopapi/1.4 (+https://shop.example.com/tech)"

# Shared async client for the notification service and partner webhooks.
http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0), headers={"User-Agent": USER_AGENT})

# Sync session kept from the Flask version of the service.
_session = requests.Session()
_session.headers["User-Agent"] = USER_AGENT


class CarrierError(RuntimeError):
    """The carrier API refused or failed a request."""


class CarrierClient:
    """Async client for the carrier's shipment and tracking API."""

    def __init__(self, settings: Settings) -> None:
        self._base = settings.carrier_api_url.rstrip("/")
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=15, connect=3),
            headers={"User-Agent": USER_AGENT},
        )

    async def close(self) -> None:
        """Release the session's connections (called on application shutdown)."""
        await self._session.close()

    async def track(self, tracking_no: str) -> str:
        """Current status of a parcel, e.g. ``in_transit`` or ``delivered``."""
        async with self._session.get(f"{self._base}/v2/track/{tracking_no}") as resp:
            if resp.status != 200:
                raise CarrierError(f"tracking {tracking_no}: HTTP {resp.status}")
            body = await resp.json()
        return body["status"]

    async def create_shipment(self, order_id: int) -> str:
        """Book a pickup for an order; returns the new tracking number."""
        async with self._session.post(f"{self._base}/v2/shipments", json={"reference": str(order_id)}) as resp:
            if resp.status >= 400:
                raise CarrierError(f"shipment for order {order_id}: HTTP {resp.status}")
            body = await resp.json()
        return body["tracking_no"]

    async def health(self) -> bool:
        """True when the carrier API answers its health check."""
        try:
            async with self._session.get(f"{self._base}/health") as resp:
                return resp.status == 200
        except aiohttp.ClientError:
            log.warning("carrier health check failed", exc_info=True)
            return False


async def fetch_exchange_rates(base: str) -> dict[str, float]:
    """Current FX rates for ``base``; totals are shown in the customer's currency."""
    settings = get_settings()
    resp = _session.get(f"{settings.rates_api_url}/latest", params={"base": base}, timeout=5)
    resp.raise_for_status()
    return resp.json()["rates"]


async def post_order_event(order_id: int, event: str, payload: dict[str, Any]) -> None:
    """Tell the notification service about an order event (it sends the e-mails)."""
    url = f"{get_settings().notify_api_url}/events"
    resp = await http.post(url, json={"order_id": order_id, "event": event, **payload})
    resp.raise_for_status()


async def post_metrics(samples: dict[str, list[float]]) -> None:
    """Ship a batch of job latencies to the metrics endpoint."""
    resp = await http.post(f"{get_settings().notify_api_url}/metrics", json=samples)
    if resp.status_code >= 400:
        log.warning("metrics endpoint answered %s", resp.status_code)


def notify_slack(message: str) -> None:
    """Post an operational alert to the on-call channel."""
    resp = requests.post(get_settings().slack_webhook_url, json={"text": message})
    if not resp.ok:
        log.error("slack webhook failed: %s %s", resp.status_code, resp.text[:200])
