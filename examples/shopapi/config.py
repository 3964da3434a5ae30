"""Runtime configuration, read from the environment (twelve-factor style).

The shipping rate table is a CSV file maintained by the logistics team and
mounted into the container next to the application.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    """Typed view of the ``SHOPAPI_*`` environment variables."""

    database_url: str
    audit_dsn: str
    archive_path: str
    export_dir: str
    carrier_api_url: str
    notify_api_url: str
    partner_webhook_url: str
    slack_webhook_url: str
    rates_api_url: str
    rate_table_path: str
    api_key_salt: bytes
    db_pool_size: int = 10
    max_concurrency: int = 8
    base_currency: str = "EUR"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings once per process; a missing variable raises KeyError."""
    env = os.environ
    return Settings(
        database_url=env["SHOPAPI_DATABASE_URL"],
        audit_dsn=env["SHOPAPI_AUDIT_DSN"],
        archive_path=env.get("SHOPAPI_ARCHIVE_PATH", "/var/lib/shopapi/archive.sqlite3"),
        export_dir=env.get("SHOPAPI_EXPORT_DIR", "/var/lib/shopapi/exports"),
        carrier_api_url=env["SHOPAPI_CARRIER_API_URL"],
        notify_api_url=env["SHOPAPI_NOTIFY_API_URL"],
        partner_webhook_url=env["SHOPAPI_PARTNER_WEBHOOK_URL"],
        slack_webhook_url=env["SHOPAPI_SLACK_WEBHOOK_URL"],
        rates_api_url=env.get("SHOPAPI_RATES_API_URL", "https://fx.internal.example.com"),
        rate_table_path=env.get("SHOPAPI_RATE_TABLE", "/etc/shopapi/shipping_rates.csv"),
        api_key_salt=env["SHOPAPI_API_KEY_SALT"].encode(),
        db_pool_size=int(env.get("SHOPAPI_DB_POOL_SIZE", "10")),
        max_concurrency=int(env.get("SHOPAPI_MAX_CONCURRENCY", "8")),
    )


def load_rate_table(path: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Parse the rate table (``region,base_rate,per_kg``) into region -> (base, per kg).

    The table must have a ``default`` row, used for regions without their own.
    """
    rates: dict[str, tuple[Decimal, Decimal]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rates[row["region"].strip().upper()] = (Decimal(row["base_rate"]), Decimal(row["per_kg"]))
    if "DEFAULT" not in rates:
        raise ValueError(f"{path}: rate table has no 'default' row")
    return rates
