"""Order workflows used by the HTTP layer and the fulfilment worker."""

from __future__ import annotations

import asyncio
import logging
import re

from ..clients import CarrierClient, http, post_order_event
from ..config import get_settings
from ..db import Order, OrderRepository

log = logging.getLogger(__name__)

# UPU S10 format: two letters, nine digits, two letters (e.g. RR123456785DE).
_TRACKING_RE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")

# order id -> status last sent to the marketplace partner (skip unchanged ones).
_last_pushed: dict[int, str] = {}


def normalize_tracking_number(raw: str) -> str:
    """Upper-case a tracking number and drop the spaces and dashes customers paste in."""
    separators = re.compile(r"[\s\-]+")
    cleaned = separators.sub("", raw).upper()
    if not _TRACKING_RE.match(cleaned):
        raise ValueError(f"not a tracking number: {raw!r}")
    return cleaned


async def send_confirmation(order: Order) -> None:
    """Have the notification service send the order-confirmation e-mail."""
    await post_order_event(
        order.order_id, "confirmed", {"customer_id": order.customer_id, "total": str(order.total)}
    )


async def ship_order(repo: OrderRepository, carriers: CarrierClient, order: Order) -> str:
    """Book the carrier pickup and store the tracking number; returns it."""
    tracking_no = await carriers.create_shipment(order.order_id)
    await repo.set_tracking_number(order.order_id, tracking_no)
    log.info("order %s shipped as %s", order.order_id, tracking_no)
    return tracking_no


async def send_delay_notices(orders: list[Order]) -> list[int]:
    """Warn the customers of late parcels; returns the HTTP status per order."""
    url = f"{get_settings().notify_api_url}/delay-notices"
    statuses: list[int] = []
    for order in orders:
        resp = await http.post(url, json={"order_id": order.order_id, "customer_id": order.customer_id})
        statuses.append(resp.status_code)
    return statuses


async def push_partner_updates(orders: list[Order]) -> list[int]:
    """Mirror order statuses to the marketplace partner, a bounded number at a time."""
    settings = get_settings()
    in_flight = asyncio.Semaphore(settings.max_concurrency)

    async def push(order: Order) -> int:
        async with in_flight:
            resp = await http.post(
                settings.partner_webhook_url, json={"order_id": order.order_id, "status": order.status}
            )
        if resp.status_code < 400:
            _last_pushed[order.order_id] = order.status
        return resp.status_code

    changed = (o for o in orders if _last_pushed.get(o.order_id) != o.status)
    return await asyncio.gather(*(push(o) for o in changed))


async def refresh_all_tracking(repo: OrderRepository, carriers: CarrierClient) -> int:
    """Poll the carrier for every parcel in transit and store the new statuses."""
    orders = await repo.list_in_transit()
    statuses = await asyncio.gather(*(carriers.track(o.tracking_no) for o in orders), return_exceptions=True)
    updates = [(o.order_id, s) for o, s in zip(orders, statuses) if isinstance(s, str)]
    await repo.record_statuses(updates)
    log.info("tracking refreshed: %d of %d parcels updated", len(updates), len(orders))
    return len(updates)

