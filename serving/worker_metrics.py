"""Metrics of several worker processes: prometheus_client's multiprocess mode, summed at each scrape."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

ENV = "PROMETHEUS_MULTIPROC_DIR"
# The folder a service makes for its workers when the operator gives none: leadgate-metrics-<pid>-<random>.
FOLDER_PREFIX = "leadgate-metrics-"
# A live gauge's file names its process: gauge_livesum_1234.db. Only these need forgetting when it dies.
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    """The folder the workers share their values in, when this process runs in multiprocess mode."""
    return os.environ.get(ENV) or None


def prepare(directory: Path) -> Path:
    """Make the folder and empty it: values of an earlier run would otherwise be added to this one's."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory


def remove_orphaned_folders(under: Path) -> list[Path]:
    """Remove the metrics folders of services killed before they could remove their own (their pid is gone)."""
    removed = []
    for folder in under.glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name[len(FOLDER_PREFIX) :].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def forget_dead_workers(directory: str) -> None:
    """Drop the live gauges of workers that are gone (killed, or replaced by uvicorn); their counters stay."""
    for name in os.listdir(directory):
        found = _LIVE_GAUGE_FILE.match(name)
        if found and not _alive(int(found.group(1))):
            mark_process_dead(int(found.group(1)), directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class AllWorkers:
    """What a scrape shows in multiprocess mode: every worker's values, plus this worker's own collectors.

    Counters, histograms and gauges live in the shared folder and are merged across workers; a collector that
    computes at scrape time (drift PSI) has no file and is answered by the worker that takes the scrape.
    """

    def __init__(self, directory: str, registry: CollectorRegistry):
        self.directory = directory
        self.registry = registry

    def collect(self):
        """Prometheus collector protocol."""
        forget_dead_workers(self.directory)
        merged = list(MultiProcessCollector(None, self.directory).collect())
        shared = {family.name for family in merged}
        yield from merged
        # This worker's copy of a shared family would count its own share twice; the rest is its own.
        yield from (family for family in self.registry.collect() if family.name not in shared)
