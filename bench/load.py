"""A small HTTP load generator: closed-loop throughput and open-loop fixed-rate latency."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# Builds the (form fields, headers) of request number n.
RequestFactory = Callable[[int], tuple[dict[str, str], dict[str, str]]]


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def post(base_url: str, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, float]:
    parsed = urllib.parse.urlsplit(base_url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            urllib.parse.urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def closed_loop(base_url: str, path: str, make: RequestFactory, total: int, concurrency: int) -> LoadResult:
    """As fast as `concurrency` clients can go: throughput."""
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            status, took = post(base_url, path, *make(n))
            with lock:
                latencies.append(took)
                errors += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(total, time.perf_counter() - started, latencies, errors)


def fixed_rate(base_url: str, path: str, make: RequestFactory, rate: float, seconds: float) -> LoadResult:
    """Requests started on a schedule (open loop), so latency is measured at a known offered load."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(n: int) -> None:
        nonlocal errors
        status, took = post(base_url, path, *make(n))
        with lock:
            latencies.append(took)
            errors += status != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for n in range(total):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, n)
    return LoadResult(total, time.perf_counter() - started, latencies, errors)
