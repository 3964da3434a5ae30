"""Persistence.

``OrderRepository`` serves live orders from PostgreSQL through the app-scoped
asyncpg pool. ``ArchiveStore`` is the SQLite archive of delivered orders read
by finance reports and the CLI; it is synchronous, so async code reaches it
through ``asyncio.to_thread`` or an executor.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, AsyncIterator, Iterable, Sequence

import asyncpg

_COLUMNS = "id, customer_id, status, region, weight_kg, tracking_no, created_at"
_PRODUCT = "SELECT id AS product_id, sku, name FROM products"


@dataclass
class OrderLine:
    product_id: int
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class Order:
    """An order as the API, the worker and the reports see it."""

    order_id: int
    customer_id: int
    status: str
    region: str
    weight_kg: Decimal
    tracking_no: str | None
    created_at: datetime
    lines: list[OrderLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Sum of the line amounts, before discounts and tax."""
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal("0"))

    @classmethod
    def from_record(cls, rec: Any, lines: Iterable[OrderLine] = ()) -> Order:
        """Build an order from an asyncpg record or a sqlite3.Row."""
        created = rec["created_at"]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        return cls(rec["id"], rec["customer_id"], rec["status"], rec["region"],
                   Decimal(str(rec["weight_kg"])), rec["tracking_no"], created, list(lines))


@dataclass
class Product:
    product_id: int
    sku: str
    name: str


@dataclass
class DeadLetter:
    """A webhook delivery that failed permanently and waits for a manual replay."""

    letter_id: int
    url: str
    payload: dict[str, Any]


class OrderRepository:
    """Async access to live orders through the app-scoped asyncpg pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def get_order(self, order_id: int) -> Order | None:
        """One order with its lines, or None."""
        async with self._pool.acquire() as conn:
            rec = await conn.fetchrow(f"SELECT {_COLUMNS} FROM orders WHERE id = $1", order_id)
            if rec is None:
                return None
            rows = await conn.fetch(
                "SELECT product_id, sku, quantity, unit_price FROM order_lines WHERE order_id = $1", order_id
            )
        return Order.from_record(rec, (OrderLine(**dict(row)) for row in rows))

    async def create_order(self, customer_id: int, region: str, weight_kg: Decimal,
                           lines: Sequence[OrderLine]) -> Order:
        """Insert an order and its lines in one transaction."""
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                rec = await conn.fetchrow(
                    "INSERT INTO orders (customer_id, status, region, weight_kg) "
                    f"VALUES ($1, 'new', $2, $3) RETURNING {_COLUMNS}", customer_id, region, weight_kg)
                await conn.executemany(
                    "INSERT INTO order_lines VALUES ($1, $2, $3, $4, $5)",
                    [(rec["id"], l.product_id, l.sku, l.quantity, l.unit_price) for l in lines])
        return Order.from_record(rec, lines)

    async def list_for_customer(self, customer_id: int, limit: int = 50) -> list[Order]:
        """The customer's most recent orders (without lines), newest first."""
        conn = await self._pool.acquire()
        records = await conn.fetch(
            f"SELECT {_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2",
            customer_id, limit)
        orders = [Order.from_record(r) for r in records]
        await self._pool.release(conn)
        return orders

    async def list_in_transit(self) -> list[Order]:
        """Orders handed to the carrier and not delivered yet."""
        async with self._pool.acquire() as conn:
            records = await conn.fetch(f"SELECT {_COLUMNS} FROM orders WHERE status IN ('shipped', 'in_transit')")
        return [Order.from_record(r) for r in records]

    async def record_statuses(self, updates: Sequence[tuple[int, str]]) -> None:
        """Store many carrier statuses in one round trip."""
        async with self._pool.acquire() as conn:
            await conn.executemany("UPDATE orders SET status = $2 WHERE id = $1", updates)

    async def add_tracking_event(self, order_id: int, status: str) -> None:
        """Append a tracking event and move the order to that status, atomically."""
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("INSERT INTO tracking_events VALUES ($1, $2, now())", order_id, status)
                await conn.execute("UPDATE orders SET status = $2 WHERE id = $1", order_id, status)

    async def set_tracking_number(self, order_id: int, tracking_no: str) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(
                "UPDATE orders SET tracking_no = $2, status = 'shipped' WHERE id = $1", order_id, tracking_no)

    async def summary(self, since: datetime) -> dict[str, Any]:
        """Open orders and revenue since a point in time, for the dashboard."""
        async with self._pool.acquire() as conn:
            rec = await conn.fetchrow(
                "SELECT count(DISTINCT o.id) FILTER (WHERE o.status <> 'delivered') AS open_orders, "
                "coalesce(sum(l.quantity * l.unit_price), 0) AS revenue FROM orders o "
                "LEFT JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= $1", since)
        return dict(rec)

    async def api_key_hash(self, prefix: str) -> bytes | None:
        """PBKDF2 hash of an active API key, looked up by its public prefix."""
        async with self._pool.acquire() as conn:
            return await conn.fetchval(
                "SELECT key_hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL", prefix)

    async def iter_orders_since(self, since: datetime) -> AsyncIterator[Order]:
        """Stream the orders created since ``since`` through a server-side cursor."""
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                query = f"SELECT {_COLUMNS} FROM orders WHERE created_at >= $1 ORDER BY id"
                async for rec in conn.cursor(query, since):
                    yield Order.from_record(rec)


class ArchiveStore:
    """SQLite archive of delivered orders (one connection per store)."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self._conn.close()

    def archive_orders(self, orders: Iterable[Order]) -> int:
        """Copy delivered orders into the archive; returns how many were written."""
        count = 0
        for order in orders:
            self._conn.execute(
                f"INSERT OR REPLACE INTO orders ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (order.order_id, order.customer_id, order.status, order.region,
                 str(order.weight_kg), order.tracking_no, order.created_at.isoformat()))
            count += 1
        self._conn.commit()
        return count

    def get_product_by_id(self, product_id: int) -> Product | None:
        row = self._conn.execute(f"{_PRODUCT} WHERE id = ?", (product_id,)).fetchone()
        return Product(**dict(row)) if row else None

    def orders_for_day(self, day: date) -> list[Order]:
        """Archived orders created on ``day``, lines included (two queries in all)."""
        params = (day.isoformat(),)
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM orders WHERE date(created_at) = ?", params)
        orders = {row["id"]: Order.from_record(row) for row in rows}
        line_rows = self._conn.execute(
            "SELECT order_id, product_id, sku, quantity, unit_price FROM order_lines "
            "WHERE order_id IN (SELECT id FROM orders WHERE date(created_at) = ?)", params)
        for row in line_rows:
            orders[row["order_id"]].lines.append(
                OrderLine(row["product_id"], row["sku"], row["quantity"], Decimal(row["unit_price"])))
        return list(orders.values())

    def store_snapshot(self, day: date, blob: bytes) -> None:
        """Keep the compressed id list of one archiving run."""
        with self._conn:
            self._conn.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?)", (day.isoformat(), blob))

    def dead_letters(self) -> list[DeadLetter]:
        """Webhook deliveries waiting for a manual replay."""
        rows = self._conn.execute("SELECT id, url, payload FROM dead_letters ORDER BY id").fetchall()
        return [DeadLetter(row["id"], row["url"], json.loads(row["payload"])) for row in rows]
