"""PostgreSQL sessions of the store read and write times in UTC, whatever zone the server or URL is set to."""

from __future__ import annotations

from datetime import timedelta

from leadgate.serving.store import make_engine
from tests.serving.conftest import postgres_or_skip


def test_a_postgres_session_reads_times_in_utc_where_the_server_s_zone_is_another():
    # Walk P: a database set to Asia/Kolkata made the API answer decided_at "…+05:30" beside "…Z" elsewhere,
    # and `lists show` print 10:24 for a change at 04:54 UTC without naming a zone.
    url = postgres_or_skip()
    zoned = f"{url}{'&' if '?' in url else '?'}options=-c%20timezone%3DAsia/Kolkata"
    for engine in (make_engine(zoned), make_engine(zoned, timeout=5)):
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("SHOW timezone").scalar() == "UTC"
                moment = connection.exec_driver_sql("SELECT TIMESTAMPTZ '2026-12-07 04:54:00+00'").scalar()
                assert (moment.hour, moment.utcoffset()) == (4, timedelta(0))
        finally:
            engine.dispose()
