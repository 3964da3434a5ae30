"""In-process caching for hot read paths (FX rates for the dashboard and price display)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """LRU cache with a size bound and per-entry expiry, shared between threads."""

    def __init__(self, maxsize: int = 1024, ttl: float = 60.0) -> None:
        self._data: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The cached value, or None when missing or expired."""
        with self._lock:
            item = self._data.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            self._data.move_to_end(key)
            return item[1]

    def evict_expired(self) -> int:
        """Drop expired entries; returns how many were removed."""
        now = time.monotonic()
        removed = 0
        with self._lock:
            for key in list(self._data):
                if self._data[key][0] < now:
                    del self._data[key]
                    removed += 1
        return removed

    async def get_or_fetch(self, key: K, fetch: Callable[[K], Awaitable[V]]) -> V:
        """The cached value, or fetch it once even when many requests miss together."""
        cached = self.get(key)
        if cached is not None:
            return cached
        with self._lock:
            item = self._data.get(key)
            if item is not None and item[0] >= time.monotonic():
                return item[1]
            value = await fetch(key)
            self._data[key] = (time.monotonic() + self._ttl, value)
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)
        return value


# FX rates change slowly; five minutes is what finance signed off on.
rate_cache: TTLCache[str, dict[str, float]] = TTLCache(maxsize=64, ttl=300.0)
