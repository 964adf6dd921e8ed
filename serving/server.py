"""How the service listens: the API port, an internal metrics port, worker processes, proxy headers."""

from __future__ import annotations

import contextlib
import errno
import inspect
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from fastapi.responses import JSONResponse

from leadgate.serving import worker_metrics
from leadgate.settings import Settings

ASGI_APP = "leadgate.serving.asgi:app"
METRICS_PATH = "/metrics"
# How often a worker also checks that it was not re-parented, should its parent's pipe never close.
PARENT_CHECK_SECONDS = 1.0

log = logging.getLogger(__name__)


class MetricsOnItsOwnPort:
    """Pure ASGI middleware: the metrics listener answers only /metrics, and the API port never does.

    Both ports are served by the same app in every worker; which one a request came in on is the local
    address of its connection (`scope["server"]`), which no client header can change.
    """

    def __init__(self, app, metrics_port: int):
        self.app = app
        self.metrics_port = metrics_port

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            server = scope.get("server")
            internal = server is not None and server[1] == self.metrics_port
            if internal != (scope["path"] == METRICS_PATH):
                response = JSONResponse({"detail": "Not Found"}, status_code=404)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


class CannotListen(OSError):
    """A port could not be bound (in use, or not ours to take); nothing was started."""


def listen(host: str, port: int) -> socket.socket:
    """A bound TCP socket the workers share (uvicorn listens on it in each of them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        message = f"cannot listen on {host}:{port}: {error.strerror}"
        if error.errno == errno.EADDRINUSE:
            message += (
                f" (`ss -ltnp 'sport = :{port}'` names the process; the workers of a leadgate server whose"
                " main process was just killed let it go once their requests are answered)"
            )
        raise CannotListen(message) from None
    sock.set_inheritable(True)
    return sock


def listeners(settings: Settings) -> list[socket.socket]:
    """The API socket, and the metrics socket when a metrics port is set."""
    sockets = [listen(settings.host, settings.port)]
    if settings.metrics_port is not None:
        try:
            sockets.append(listen(settings.metrics_host or settings.host, settings.metrics_port))
        except CannotListen:
            sockets[0].close()
            raise
    return sockets


def uvicorn_config(settings: Settings, workers: int):
    """The uvicorn config `leadgate serve` runs: leadgate's logging, proxy headers as the settings say."""
    import uvicorn

    from leadgate.serving.service_logging import log_config

    return uvicorn.Config(
        ASGI_APP,
        host=settings.host,
        port=settings.port,
        workers=workers,
        # The app applies X-Forwarded-For/-Proto itself (create_app), from forwarded_allow_ips only: not twice.
        proxy_headers=False,
        log_config=log_config(),
        log_level="warning",  # uvicorn's own loggers; leadgate's keep INFO (which model, which policy)
        access_log=False,
    )


@contextlib.contextmanager
def shared_metrics_folder(workers: int) -> Iterator[str | None]:
    """Multiprocess mode for several workers: an emptied folder in PROMETHEUS_MULTIPROC_DIR for the run.

    The operator's own folder is emptied and kept; without one, a fresh folder is made and removed at exit
    (or, when the process was killed -9, by the next run's start: the folder's name holds its pid).
    Workers are started after this, so they import prometheus_client with the variable already set.
    """
    given = worker_metrics.multiprocess_dir()
    if given is not None:
        yield str(worker_metrics.prepare(Path(given)))
        return
    if workers == 1:
        yield None
        return
    worker_metrics.remove_orphaned_folders(Path(tempfile.gettempdir()))
    made = tempfile.mkdtemp(prefix=f"{worker_metrics.FOLDER_PREFIX}{os.getpid()}-")
    os.environ[worker_metrics.ENV] = made
    try:
        yield made
    finally:
        os.environ.pop(worker_metrics.ENV, None)
        shutil.rmtree(made, ignore_errors=True)


def run(settings: Settings, workers: int, sockets: list[socket.socket] | None = None) -> None:
    """Serve until stopped on `listeners(settings)` (bound first, so a taken port fails before any worker)."""
    import uvicorn

    sockets = sockets if sockets is not None else listeners(settings)
    config = uvicorn_config(settings, workers)
    server = uvicorn.Server(config)
    with shared_metrics_folder(workers):
        if workers == 1:
            server.run(sockets=sockets)
        else:
            _supervisor(config, server, sockets).run()
    if workers == 1 and not server.started:
        sys.exit(3)  # uvicorn's own code for a server that never started


def _supervisor(config, server, sockets):
    from uvicorn.supervisors import Multiprocess

    # uvicorn.run's own supervisor, given both sockets; older uvicorn releases also took the worker's target.
    if "target" in inspect.signature(Multiprocess).parameters:
        return Multiprocess(config, target=server.run, sockets=sockets)
    return Multiprocess(config, sockets=sockets)


def stop_with_parent() -> None:
    """In a worker process of `--workers N`, stop gracefully once the process that started it is gone.

    A supervisor killed with SIGKILL (or by the OOM killer) has no chance to stop its workers: they would
    keep serving the port with the old settings, re-parented to init. One worker runs in the main process,
    which has no parent of ours to watch: a shell or nohup that started it may go away without stopping it.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    threading.Thread(
        target=_stop_when_gone, args=(parent,), name="leadgate-parent-watch", daemon=True
    ).start()


def _stop_when_gone(parent) -> None:
    # The parent holds a pipe open until it ends (multiprocessing's sentinel): it wakes us at once, however the
    # parent died, even before this thread started; re-parenting is checked too, should another process still
    # hold that pipe. Unlike prctl(PR_SET_PDEATHSIG), neither fires when only the thread that spawned us ends.
    while parent.is_alive() and os.getppid() == parent.pid:
        parent.join(timeout=PARENT_CHECK_SECONDS)
    log.warning("the main process [%d] is gone: this worker stops once its requests are answered", parent.pid)
    # SIGTERM, not an exit: uvicorn's handler stops accepting, answers what is in hand and runs the shutdown.
    os.kill(os.getpid(), signal.SIGTERM)
