"""A small HTTP/1.1 load generator on raw asyncio streams: open-loop at a fixed rate, or closed-loop saturation.

Raw streams keep the client's own cost per request far below httpx's, which matters when client and server
share two cores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SLOW_SECONDS = 0.025  # the p99 target: answers slower than this are the ones that break it


@dataclass
class Result:
    """Latencies in seconds and error counts of one load run."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    slow: list[tuple[float, float]] = field(
        default_factory=list
    )  # (send time, seconds) of answers over SLOW_SECONDS
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        """The q-th percentile latency in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def throughput(self) -> float:
        """Completed requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Connection:
    """One keep-alive connection that sends a request and reads one response."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> int:
        """Send raw request bytes; return the status code after reading the whole body."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            self.close()
        return status

    def close(self) -> None:
        """Drop the socket; the next request reconnects."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def build_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """Raw HTTP/1.1 POST bytes."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _send(
    pool: list[Connection], host: str, port: int, raw: bytes, result: Result, started: float
) -> None:
    reused = bool(pool)
    connection = pool.pop() if pool else Connection(host, port)
    try:
        try:
            status = await connection.request(raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            # The server closed an idle keep-alive connection (uvicorn does after 5 s): like any HTTP client,
            # send again once on a new connection. The latency still counts from the scheduled time.
            connection.close()
            connection = Connection(host, port)
            status = await connection.request(raw)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status >= 400:
            result.errors += 1
        else:
            latency = time.perf_counter() - started
            result.latencies.append(latency)
            if latency > SLOW_SECONDS:
                result.slow.append((started, latency))
        pool.append(connection)
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        result.errors += 1
        kind = type(error).__name__
        result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
        connection.close()


async def open_loop(
    host: str, port: int, make: Callable[[int], bytes], rate: float, seconds: float
) -> Result:
    """Send at a fixed rate whatever the responses; latency counts from the scheduled send time."""
    result, pool, tasks = Result(), [], []
    start = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_send(pool, host, port, make(i), result, scheduled)))
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - start
    result.slow = [(round(sent - start, 2), round(latency, 3)) for sent, latency in result.slow]
    for connection in pool:
        connection.close()
    return result


async def closed_loop(
    host: str, port: int, make: Callable[[int], bytes], concurrency: int, seconds: float
) -> Result:
    """`concurrency` connections each sending back to back for `seconds`."""
    result = Result()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        pool = [Connection(host, port)]
        while time.perf_counter() < deadline:
            await _send(pool, host, port, make(next(counter)), result, time.perf_counter())
            if not pool:
                pool.append(Connection(host, port))
        for connection in pool:
            connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result
