"""Finance exports, invoices and the carrier manifest import.

Everything here is synchronous: the API runs it through ``asyncio.to_thread``
and the CLI calls it directly.
"""

from __future__ import annotations

import csv
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable, TextIO

from .db import ArchiveStore, Order
from .services.pricing import tax_rate

TEMPLATE_DIR = Path(__file__).with_name("templates")

Exporter = Callable[[ArchiveStore, date, str], str]

# Format name -> exporter; filled by @register when this module is imported.
EXPORTERS: dict[str, Exporter] = {}


def register(fmt: str) -> Callable[[Exporter], Exporter]:
    """Register an exporter under a format name."""

    def decorator(fn: Exporter) -> Exporter:
        EXPORTERS[fmt] = fn
        return fn

    return decorator


def _write_atomically(dest: str, write: Callable[[TextIO], None]) -> str:
    """Write through a temporary file next to ``dest``, then rename it into place."""
    fd, tmp_path = tempfile.mkstemp(dir=os.path.dirname(dest), suffix=".part")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            write(fh)
        os.replace(tmp_path, dest)
    except BaseException:
        os.unlink(tmp_path)
        raise
    return dest


@register("csv")
def export_daily_csv(archive: ArchiveStore, day: date, out_dir: str) -> str:
    """One row per order line of ``day``, with the product name; returns the file path."""
    orders = archive.orders_for_day(day)

    def write(fh: TextIO) -> None:
        writer = csv.writer(fh)
        writer.writerow(["order_id", "customer_id", "region", "sku", "product", "quantity", "unit_price"])
        for order in orders:
            for line in order.lines:
                product = archive.get_product_by_id(line.product_id)
                writer.writerow([
                    order.order_id, order.customer_id, order.region, line.sku,
                    product.name if product else "", line.quantity, line.unit_price,
                ])

    return _write_atomically(os.path.join(out_dir, f"orders-{day.isoformat()}.csv"), write)


def render_invoice_text(order: Order) -> str:
    """Plain-text invoice, used as the body of the invoice e-mail."""
    body = f"Invoice for order {order.order_id}\n\n"
    for line in order.lines:
        body += f"{line.quantity:>4} x {line.sku:<14} {line.unit_price:>10}\n"
    tax = (order.total * tax_rate(order.region)).quantize(Decimal("0.01"))
    return body + f"\nSubtotal {order.total}\nTax      {tax}\n"


def render_invoice_html(order: Order) -> str:
    """HTML invoice rendered from the template shipped with the package."""
    template = open(TEMPLATE_DIR / "invoice.html", encoding="utf-8").read()
    rows = "\n".join([
        f"<tr><td>{l.sku}</td><td>{l.quantity}</td><td>{l.unit_price}</td></tr>" for l in order.lines
    ])
    return template.format(order_id=order.order_id, rows=rows, total=order.total)


def render_invoices(orders: list[Order]) -> list[str]:
    """Render many HTML invoices in parallel (month-end runs have thousands)."""
    pool = ThreadPoolExecutor(max_workers=4)
    return list(pool.map(render_invoice_html, orders))


def import_tracking_numbers(path: str) -> dict[int, str]:
    """Read the carrier's nightly manifest (``order_id,tracking_no`` per row)."""
    mapping: dict[int, str] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in list(csv.reader(fh)):
            if row and row[0].isdigit():
                mapping[int(row[0])] = row[1].strip()
    return mapping


def load_manual_adjustments(path: str) -> dict[int, Decimal]:
    """Finance's manual corrections: ``ORDER_ID AMOUNT`` per line, ``#`` starts a comment."""
    adjustments: dict[int, Decimal] = {}
    with open(path, encoding="utf-8") as fh:
        for raw in fh.readlines():
            entry = raw.split("#", 1)[0].strip()
            if not entry:
                continue
            order_id, amount = entry.split()
            adjustments[int(order_id)] = adjustments.get(int(order_id), Decimal("0")) + Decimal(amount)
    return adjustments
