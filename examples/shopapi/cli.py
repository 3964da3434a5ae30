"""Operator command line: ``python -m shopapi.cli COMMAND``.

Commands: ``export`` and ``invoices`` (one day of the archive), ``manifest``
and ``adjustments`` (check carrier/finance files), ``replay`` (re-send
dead-lettered webhooks) and ``ping`` (carrier API health).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date

import httpx

from .clients import CarrierClient
from .config import Settings, get_settings
from .db import ArchiveStore
from .reports import EXPORTERS, import_tracking_numbers, load_manual_adjustments, render_invoices


async def _ping_carrier(settings: Settings) -> bool:
    """One health check against the carrier API."""
    carriers = CarrierClient(settings)
    try:
        return await carriers.health()
    finally:
        await carriers.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopapi", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export")
    export.add_argument("day", type=date.fromisoformat)
    export.add_argument("--format", choices=sorted(EXPORTERS), default="csv")
    export.add_argument("--out-dir", default=".")
    invoices = sub.add_parser("invoices")
    invoices.add_argument("day", type=date.fromisoformat)
    invoices.add_argument("--out-dir", default=".")
    sub.add_parser("manifest").add_argument("path")
    sub.add_parser("adjustments").add_argument("path")
    sub.add_parser("replay")
    sub.add_parser("ping")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = _parser().parse_args(argv)
    settings = get_settings()
    if args.command == "manifest":
        print(f"{len(import_tracking_numbers(args.path))} tracking numbers")
        return 0
    if args.command == "adjustments":
        print(f"net adjustment {sum(load_manual_adjustments(args.path).values())}")
        return 0
    if args.command == "ping":
        return 0 if asyncio.run(_ping_carrier(settings)) else 1

    archive = ArchiveStore(settings.archive_path)
    try:
        if args.command == "export":
            print(EXPORTERS[args.format](archive, args.day, args.out_dir))
        elif args.command == "invoices":
            orders = archive.orders_for_day(args.day)
            for order, html in zip(orders, render_invoices(orders)):
                with open(os.path.join(args.out_dir, f"invoice-{order.order_id}.html"), "w") as fh:
                    fh.write(html)
        elif args.command == "replay":
            for letter in archive.dead_letters():
                with httpx.Client(timeout=10.0) as client:
                    resp = client.post(letter.url, json=letter.payload)
                print(f"dead letter {letter.letter_id}: HTTP {resp.status_code}")
    finally:
        archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
