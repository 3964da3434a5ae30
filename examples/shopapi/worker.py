"""Background fulfilment worker.

Runs inside the API process (started by the lifespan hook) and consumes an
``asyncio.Queue`` of jobs: booking shipments, refreshing tracking statuses and
archiving delivered orders to SQLite.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Coroutine

from .cache import TTLCache
from .clients import CarrierClient, CarrierError, notify_slack, post_metrics
from .db import ArchiveStore, OrderRepository
from .services.orders import refresh_all_tracking, ship_order

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass
class Job:
    """A unit of work for the worker."""

    kind: str  # "ship" | "refresh" | "archive"
    order_id: int | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class FulfillmentWorker:
    """Single consumer of the job queue, plus a periodic cache sweeper."""

    def __init__(self, repo: OrderRepository, carriers: CarrierClient, archive: ArchiveStore) -> None:
        self._repo = repo
        self._carriers = carriers
        self._archive = archive
        self._queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=1000)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._latencies: dict[str, list[float]] = {}
        self._metrics_lock = asyncio.Lock()
        self._main: asyncio.Task[None] | None = None

    def start(self, cache: TTLCache[Any, Any]) -> None:
        """Start the consumer and the cache sweeper; both tasks are kept referenced."""
        self._main = asyncio.create_task(self._run(), name="fulfillment-worker")
        self.submit(self.sweep_cache(cache))

    async def stop(self) -> None:
        """Cancel the consumer and wait until it has finished."""
        if self._main is None:
            return
        self._main.cancel()
        await asyncio.gather(self._main, return_exceptions=True)

    def submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a fire-and-forget coroutine, keeping a reference until it is done."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def enqueue(self, job: Job) -> None:
        """Queue a job; waits when the queue is full (back-pressure for the API)."""
        await self._queue.put(job)

    async def wait_until_idle(self) -> None:
        """Return once every queued job has been picked up (deploy hook and integration tests)."""
        while not self._queue.empty():
            await asyncio.sleep(0.05)

    async def sweep_cache(self, cache: TTLCache[Any, Any], interval: float = 30.0) -> None:
        """Drop expired cache entries every ``interval`` seconds, for the app's lifetime."""
        try:
            while True:
                removed = cache.evict_expired()
                if removed:
                    log.debug("cache sweeper removed %d entries", removed)
                await asyncio.sleep(interval)
        except asyncio.CancelledError:
            log.info("cache sweeper stopped")
            raise

    async def _run(self) -> None:
        """Consume jobs one at a time until cancelled."""
        processed: list[str] = []
        while True:
            job = await self._queue.get()
            try:
                await self._handle(job)
                processed.append(job.job_id)
            except asyncio.CancelledError:
                log.warning("job %s interrupted, putting it back", job.job_id)
                await self._queue.put(job)
            except Exception:
                log.exception("job %s (%s) failed", job.job_id, job.kind)
            finally:
                self._queue.task_done()
            log.debug("worker has processed %d jobs", len(processed))

    async def _handle(self, job: Job) -> None:
        """Dispatch one job by kind and record how long it took."""
        started = time.monotonic()
        if job.kind == "ship":
            await self._ship(job)
        elif job.kind == "refresh":
            await refresh_all_tracking(self._repo, self._carriers)
        elif job.kind == "archive":
            await self._archive_delivered()
        else:
            log.error("unknown job kind %r", job.kind)
        self._record_latency(job.kind, time.monotonic() - started)

    async def _record_latency(self, kind: str, seconds: float) -> None:
        """Buffer a latency sample; ship the buffer once it holds 100 samples."""
        async with self._metrics_lock:
            self._latencies.setdefault(kind, []).append(seconds)
            if sum(len(v) for v in self._latencies.values()) < 100:
                return
            batch, self._latencies = self._latencies, {}
        await post_metrics(batch)

    async def _ship(self, job: Job) -> None:
        """Book the carrier pickup for an order, retrying with exponential back-off."""
        order = await self._repo.get_order(job.order_id)
        if order is None:
            log.warning("ship job %s: order %s is gone", job.job_id, job.order_id)
            return
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await ship_order(self._repo, self._carriers, order)
                return
            except CarrierError as exc:
                delay = min(2**attempt, 30)
                log.warning("shipping order %s failed (%s); retry in %ss", order.order_id, exc, delay)
                time.sleep(delay)
        message = f"order {order.order_id} could not be shipped after {MAX_ATTEMPTS} attempts"
        await asyncio.to_thread(notify_slack, message)

    async def _archive_delivered(self) -> None:
        """Copy the last day's delivered orders to the SQLite archive and keep an id snapshot."""
        since = datetime.now(timezone.utc) - timedelta(days=1)
        delivered = [o async for o in self._repo.iter_orders_since(since) if o.status == "delivered"]
        loop = asyncio.get_running_loop()
        count = await loop.run_in_executor(None, self._archive.archive_orders, delivered)
        snapshot = json.dumps([o.order_id for o in delivered]).encode()
        blob = await asyncio.to_thread(zlib.compress, snapshot, 9)
        await asyncio.to_thread(self._archive.store_snapshot, since.date(), blob)
        log.info("archived %d delivered orders (%d byte snapshot)", count, len(blob))
