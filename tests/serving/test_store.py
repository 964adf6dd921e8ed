"""Store writes: SQLite writers of one process take turns on a lock instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import threading
import time

from serving.store import make_engine, migrate, writing


def test_sqlite_writers_of_one_process_never_overlap(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    inside, overlaps = [0], []

    def write() -> None:
        for _ in range(20):
            with writing(engine) as connection:
                inside[0] += 1
                overlaps.append(inside[0] > 1)
                connection.exec_driver_sql("SELECT 1")
                time.sleep(0.001)
                inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(overlaps) == 80 and not any(overlaps)
    engine.dispose()


def test_a_failed_write_rolls_back_and_frees_the_turn(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    migrate(engine)
    try:
        with writing(engine) as connection:
            connection.exec_driver_sql("DELETE FROM leads")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    from serving.store import _WRITE_LOCKS

    assert not _WRITE_LOCKS[engine].locked()
    with writing(engine) as connection:  # the next writer gets its turn
        connection.exec_driver_sql("SELECT 1")
    engine.dispose()
