"""HTTP API of the order-tracking service.

Run with ``uvicorn shopapi.app:app``. Pools and clients are created once in
``lifespan`` and reached from the handlers through ``request.app.state``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, AsyncIterator

import asyncpg
import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from .cache import rate_cache
from .clients import CarrierClient, fetch_exchange_rates
from .config import get_settings
from .db import ArchiveStore, Order, OrderLine, OrderRepository
from .reports import export_daily_csv
from .services.orders import (
    normalize_tracking_number,
    push_partner_updates,
    send_confirmation,
    send_delay_notices,
)
from .services.pricing import apply_discount, quote_shipping
from .worker import FulfillmentWorker, Job

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the app-scoped pool, clients and worker; tear them down on shutdown."""
    settings = get_settings()
    # Blocking, but it runs once, before the server accepts any traffic.
    os.makedirs(settings.export_dir, exist_ok=True)  # noqa: PH101
    async with AsyncExitStack() as stack:
        pool = await stack.enter_async_context(
            asyncpg.create_pool(settings.database_url, min_size=2, max_size=settings.db_pool_size, command_timeout=10)
        )
        carriers = CarrierClient(settings)
        stack.push_async_callback(carriers.close)
        archive = await asyncio.to_thread(ArchiveStore, settings.archive_path)
        stack.callback(archive.close)
        repo = OrderRepository(pool)
        worker = FulfillmentWorker(repo, carriers, archive)
        worker.start(rate_cache)
        stack.push_async_callback(worker.stop)
        app.state.repo = repo
        app.state.carriers = carriers
        app.state.archive = archive
        app.state.worker = worker
        yield


app = FastAPI(title="shopapi", version="1.4.0", lifespan=lifespan)


class LineIn(BaseModel):
    product_id: int
    sku: str
    quantity: int = Field(gt=0)
    unit_price: Decimal = Field(ge=0)


class OrderIn(BaseModel):
    customer_id: int
    region: str = Field(min_length=2, max_length=2)
    weight_kg: Decimal = Field(gt=0)
    lines: list[LineIn] = Field(min_length=1)
    discount_code: str | None = None


def get_repo(request: Request) -> OrderRepository:
    return request.app.state.repo


def get_carriers(request: Request) -> CarrierClient:
    return request.app.state.carriers


def get_archive(request: Request) -> ArchiveStore:
    return request.app.state.archive


def get_worker(request: Request) -> FulfillmentWorker:
    return request.app.state.worker


async def require_api_key(
    x_api_key: str = Header(...), repo: OrderRepository = Depends(get_repo)
) -> str:
    """Authenticate back-office callers: ``<prefix>.<secret>``, PBKDF2-hashed at rest."""
    prefix, _, secret = x_api_key.partition(".")
    stored = await repo.api_key_hash(prefix)
    if stored is None:
        raise HTTPException(status_code=401, detail="unknown API key")
    candidate = hashlib.pbkdf2_hmac("sha256", secret.encode(), get_settings().api_key_salt, 200_000)
    if not hmac.compare_digest(candidate, stored):
        raise HTTPException(status_code=401, detail="invalid API key")
    return prefix


async def _load_order(repo: OrderRepository, order_id: int) -> Order:
    """The order, or a 404 for the client."""
    order = await repo.get_order(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail=f"order {order_id} not found")
    return order


@app.get("/health")
async def health() -> dict[str, str]:
    """Liveness probe; deliberately touches nothing."""
    return {"status": "ok"}


@app.get("/orders/{order_id}")
async def get_order(order_id: int, repo: OrderRepository = Depends(get_repo)) -> Order:
    return await _load_order(repo, order_id)


@app.post("/orders", status_code=201)
async def create_order(
    payload: OrderIn, repo: OrderRepository = Depends(get_repo), _key: str = Depends(require_api_key)
) -> dict[str, Any]:
    """Place an order; the confirmation e-mail goes out in the background."""
    lines = [OrderLine(**line.model_dump()) for line in payload.lines]
    order = await repo.create_order(payload.customer_id, payload.region, payload.weight_kg, lines)
    total = await apply_discount(order, payload.discount_code)
    asyncio.create_task(send_confirmation(order))
    return {"order_id": order.order_id, "total": str(total)}


@app.get("/orders/{order_id}/shipping-quote")
async def shipping_quote(order_id: int, region: str, repo: OrderRepository = Depends(get_repo)) -> dict[str, str]:
    order = await _load_order(repo, order_id)
    quote = quote_shipping(order, region)
    return {"region": quote.region, "amount": str(quote.amount), "currency": quote.currency}


@app.post("/orders/{order_id}/tracking")
async def refresh_tracking(
    order_id: int,
    repo: OrderRepository = Depends(get_repo),
    carriers: CarrierClient = Depends(get_carriers),
) -> dict[str, Any]:
    """Ask the carrier for the latest status of one parcel and store it."""
    order = await _load_order(repo, order_id)
    if order.tracking_no is None:
        raise HTTPException(status_code=409, detail="order has not been shipped yet")
    status = await carriers.track(normalize_tracking_number(order.tracking_no))
    await repo.add_tracking_event(order.order_id, status)
    return {"order_id": order.order_id, "status": status}


@app.get("/orders/{order_id}/audit")
async def order_audit(order_id: int, _key: str = Depends(require_api_key)) -> list[dict[str, Any]]:
    """Audit trail of an order, from the compliance team's database."""
    conn = await asyncpg.connect(get_settings().audit_dsn)
    try:
        records = await conn.fetch(
            "SELECT at, actor, action FROM audit_log WHERE order_id = $1 ORDER BY at", order_id
        )
    finally:
        await conn.close()
    return [dict(r) for r in records]


@app.get("/customers/{customer_id}/orders")
async def customer_orders(customer_id: int, repo: OrderRepository = Depends(get_repo)) -> list[Order]:
    return await repo.list_for_customer(customer_id)


@app.get("/dashboard")
async def dashboard(
    repo: OrderRepository = Depends(get_repo), carriers: CarrierClient = Depends(get_carriers)
) -> dict[str, Any]:
    """Numbers for the operations dashboard."""
    since = datetime.now(timezone.utc) - timedelta(days=1)
    summary = await repo.summary(since)
    carrier_up = await carriers.health()
    fx = await rate_cache.get_or_fetch(get_settings().base_currency, fetch_exchange_rates)
    return {**summary, "carrier_up": carrier_up, "fx": fx}


@app.get("/reports/daily/{day}.csv")
async def daily_report(
    day: date, archive: ArchiveStore = Depends(get_archive), _key: str = Depends(require_api_key)
) -> FileResponse:
    """Build the day's finance export off the event loop and send it back."""
    path = await asyncio.to_thread(export_daily_csv, archive, day, get_settings().export_dir)
    return FileResponse(path, media_type="text/csv", filename=os.path.basename(path))


@app.post("/jobs/{kind}", status_code=202)
async def queue_job(kind: str, order_id: int | None = None,
                    worker: FulfillmentWorker = Depends(get_worker)) -> dict[str, str]:
    """Queue a worker job: ``ship`` (needs order_id), ``refresh`` or ``archive``."""
    job = Job(kind=kind, order_id=order_id)
    await worker.enqueue(job)
    return {"job_id": job.job_id}


@app.post("/partners/sync")
async def sync_partner(repo: OrderRepository = Depends(get_repo)) -> dict[str, int]:
    """Push the status of every parcel in transit to the marketplace partner."""
    orders = await repo.list_in_transit()
    codes = await push_partner_updates(orders)
    return {"pushed": len(codes), "failed": sum(1 for c in codes if c >= 400)}


@app.post("/notices/delays")
async def delay_notices(max_age_days: int = 5, repo: OrderRepository = Depends(get_repo)) -> dict[str, int]:
    """E-mail the customers whose parcels have been in transit too long."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=max_age_days)
    in_transit = await repo.list_in_transit()
    late = [o for o in in_transit if o.created_at < cutoff]
    statuses = await send_delay_notices(late)
    return {"notified": sum(1 for s in statuses if s < 400)}


@app.post("/webhooks/carrier")
async def carrier_webhook(event: dict[str, Any], repo: OrderRepository = Depends(get_repo)) -> dict[str, bool]:
    """Carrier push notification: record it, then forward it to the marketplace partner."""
    order_id = int(event["reference"])
    await repo.add_tracking_event(order_id, event["status"])
    forward_to = get_settings().partner_webhook_url
    async with httpx.AsyncClient(timeout=10.0) as client:
        resp = await client.post(forward_to, json=event)
    return {"forwarded": resp.status_code < 400}
