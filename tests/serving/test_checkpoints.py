"""WAL checkpoints in a background thread: commits stop checkpointing, the thread keeps the WAL short."""

from __future__ import annotations

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


def test_a_checkpoint_held_back_by_a_reader_shows_its_frames_left(tmp_path):
    from leadgate.serving.metrics import ServiceMetrics

    metrics = ServiceMetrics()
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    checkpointer = WalCheckpointer(engine, metrics, interval=60)
    checkpointer.start()
    _write(engine, 20)
    with engine.connect() as reader:  # an open read transaction pins the frames it may still read
        reader.exec_driver_sql("BEGIN")
        reader.exec_driver_sql("SELECT count(*) FROM filler").scalar_one()
        _write(engine, 20)
        busy, frames, done = checkpointer.run_once()
        assert done < frames
        assert metrics.registry.get_sample_value("leadgate_wal_frames_left") == frames - done
        reader.exec_driver_sql("ROLLBACK")
    checkpointer.run_once()
    assert metrics.registry.get_sample_value("leadgate_wal_frames_left") == 0
    checkpointer.stop()
    engine.dispose()


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
