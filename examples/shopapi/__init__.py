"""shopapi: the order-tracking service behind the shop's "Where is my parcel?" page.

The package is a FastAPI application (``shopapi.app:app``) backed by PostgreSQL
for live orders and a SQLite archive for finance reports, plus a background
fulfilment worker and an operator CLI (``python -m shopapi.cli``).
"""

__version__ = "1.4.0"

__all__ = ["__version__"]
