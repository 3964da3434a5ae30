"""Business logic shared by the HTTP layer, the worker and the CLI.

``orders`` holds the order workflows (confirmation, tracking, partner sync);
``pricing`` holds unit prices, discounts, tax and shipping quotes.
"""

__all__ = ["orders", "pricing"]
