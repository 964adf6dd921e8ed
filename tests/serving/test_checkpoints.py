"""WAL checkpoints in a background thread: commits stop checkpointing, the thread keeps the WAL short."""

from __future__ import annotations

import threading
import time

from leadgate.serving.checkpoints import WalCheckpointer
from leadgate.serving.store import make_engine, migrate, writing


def _autocheckpoint(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()


def _write(engine, rows: int) -> None:
    with writing(engine) as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (text TEXT)")
        for _ in range(rows):
            connection.exec_driver_sql("INSERT INTO filler VALUES (?)", ("x" * 4000,))


def test_commits_hand_checkpoints_to_the_thread_and_get_them_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    assert _autocheckpoint(engine) == 1000
    checkpointer = WalCheckpointer(engine, interval=60)
    assert checkpointer.start() and checkpointer.running
    assert _autocheckpoint(engine) == 0  # connections opened before start were let go
    _write(engine, 300)  # ~300 pages: stays in the WAL until a checkpoint
    busy, frames, done = checkpointer.run_once()
    assert busy == 0 and frames >= 300 and done == frames
    checkpointer.stop()
    assert not checkpointer.running and _autocheckpoint(engine) == 1000
    engine.dispose()


def test_the_thread_checkpoints_what_commits_leave(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    checkpointer = WalCheckpointer(engine, interval=0.05)
    checkpointer.start()
    _write(engine, 50)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (checkpointer.last and checkpointer.last[2] >= 50):
        time.sleep(0.05)
    checkpointer.stop()
    assert checkpointer.last[2] >= 50 and checkpointer.failures == 0
    engine.dispose()


def test_no_thread_for_a_database_that_is_not_a_sqlite_file(store):
    in_memory = make_engine("sqlite://")
    for engine in (in_memory, store.engine):
        checkpointer = WalCheckpointer(engine)
        assert checkpointer.start() is (engine is store.engine and engine.dialect.name == "sqlite")
        checkpointer.stop()
    in_memory.dispose()


def test_the_service_checkpoints_in_the_background_while_it_runs(client):
    checkpointer = client.app.state.checkpointer
    assert checkpointer.running is (client.app.state.store.engine.dialect.name == "sqlite")
    assert b"leadgate_wal_checkpoint_failures_total 0.0" in client.get("/metrics").content


def test_a_wal_past_half_its_bound_is_emptied_once_the_readers_leave_it(tmp_path):
    from leadgate.serving.metrics import ServiceMetrics

    metrics = ServiceMetrics()
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}", timeout=2.0, wal_max_bytes=2**20)
    migrate(engine)
    checkpointer = WalCheckpointer(engine, metrics, interval=60, max_bytes=2**20)
    checkpointer.start()
    _write(engine, 20)
    with engine.connect() as reader:  # an open read transaction keeps the WAL it may still read
        reader.exec_driver_sql("BEGIN")
        reader.exec_driver_sql("SELECT count(*) FROM filler").scalar_one()
        _write(engine, 300)  # ~1.2 MB of WAL: past half the bound
        checkpointer.run_once()
        held = metrics.registry.get_sample_value("leadgate_wal_bytes")
        assert held > 2**19 and checkpointer.truncations == 0
        assert metrics.registry.get_sample_value("leadgate_wal_truncate_busy_total") == 1
        reader.exec_driver_sql("ROLLBACK")
    checkpointer.run_once()
    assert metrics.registry.get_sample_value("leadgate_wal_bytes") == 0 == checkpointer.wal_bytes
    assert metrics.registry.get_sample_value("leadgate_wal_truncations_total") == 1
    assert (tmp_path / "d.db-wal").stat().st_size == 0
    checkpointer.stop()
    engine.dispose()


def _soak(tmp_path, name: str, max_bytes: int, seconds: float) -> tuple[int, WalCheckpointer]:
    """Constant writes beside readers whose transactions always overlap; the WAL's largest size seen."""
    engine = make_engine(f"sqlite:///{tmp_path / name}", timeout=2.0, wal_max_bytes=max_bytes)
    migrate(engine)
    _write(engine, 1)
    checkpointer = WalCheckpointer(engine, interval=0.2, max_bytes=max_bytes)
    checkpointer.start()
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            _write(engine, 10)  # ~40 kB of WAL
            time.sleep(0.01)  # a few MB/s: the 300 leads/s wrote ~3.3 MB/s of WAL

    def read(offset: float) -> None:
        time.sleep(offset)
        with engine.connect() as reader:
            while not stop.is_set():
                reader.exec_driver_sql("BEGIN")
                reader.exec_driver_sql("SELECT max(rowid) FROM filler").scalar_one()
                time.sleep(0.03)  # a read transaction of 30 ms; three of them staggered always overlap
                reader.exec_driver_sql("COMMIT")

    threads = [threading.Thread(target=write)] + [
        threading.Thread(target=read, args=(i * 0.01,)) for i in range(3)
    ]
    for thread in threads:
        thread.start()
    largest, ends = 0, time.monotonic() + seconds
    wal = tmp_path / f"{name}-wal"
    while time.monotonic() < ends:
        largest = max(largest, wal.stat().st_size if wal.exists() else 0)
        time.sleep(0.02)
    stop.set()
    for thread in threads:
        thread.join()
    checkpointer.stop()
    engine.dispose()
    return largest, checkpointer


def test_soak_the_wal_stays_under_its_bound_under_constant_writes_and_overlapping_readers(tmp_path):
    bound = 8 * 2**20  # TRUNCATE tried past 4 MiB; ~0.7 MB of WAL comes in per 0.2 s interval
    # The same load with passive checkpoints only (a bound never reached): the WAL grows past it ...
    unbounded, _ = _soak(tmp_path, "passive.db", 2**40, seconds=6)
    # ... and with the bound, TRUNCATE checkpoints keep it under.
    bounded, checkpointer = _soak(tmp_path, "bounded.db", bound, seconds=6)
    print(
        f"WAL largest: {unbounded} bytes passive only, {bounded} bytes bounded at {bound}; "
        f"{checkpointer.truncations} truncations, {checkpointer.busy} busy"
    )
    assert unbounded > bound
    assert bounded <= bound and checkpointer.truncations >= 1 and checkpointer.failures == 0


def test_a_failed_checkpoint_is_counted_and_raises_nothing(tmp_path):
    from leadgate.serving.metrics import ServiceMetrics

    metrics = ServiceMetrics()
    broken = tmp_path / "d.db"
    broken.write_bytes(b"not a database" * 100)
    engine = make_engine(f"sqlite:///{broken}")
    checkpointer = WalCheckpointer(engine, metrics, interval=60)
    checkpointer.start()
    assert checkpointer.run_once() is None and checkpointer.failures == 1
    assert metrics.registry.get_sample_value("leadgate_wal_checkpoint_failures_total") == 1
    checkpointer.stop()
    engine.dispose()
