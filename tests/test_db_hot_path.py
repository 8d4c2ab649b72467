"""The webhook's one statement straight through the driver: autocommit, pooled connections kept sane."""

from __future__ import annotations

import time

import psycopg
import pytest
import sqlalchemy as sa

from coach.db import first_row_autocommit, make_engine


@pytest.fixture
def one_connection_engine(engine):
    """An engine whose pool holds a single connection, so every call reuses the same one."""
    small = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    yield small
    small.dispose()


def _pid(engine) -> int:
    row = first_row_autocommit(engine, "SELECT pg_backend_pid()", {})
    assert row is not None
    return int(row[0])


def test_a_connection_the_database_dropped_is_replaced_and_the_statement_runs(engine, one_connection_engine):
    before = _pid(one_connection_engine)
    with engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
    time.sleep(0.2)
    after = _pid(one_connection_engine)  # no error: the dead connection was dropped and the statement rerun
    assert after != before


def test_it_commits_on_its_own_and_hands_the_connection_back_in_transaction_mode(
    engine, one_connection_engine
):
    with pytest.raises(psycopg.errors.DivisionByZero):
        first_row_autocommit(one_connection_engine, "SELECT 1 / %(zero)s", {"zero": 0})
    phone = "+15550001234"
    first_row_autocommit(
        one_connection_engine, "INSERT INTO trainees (phone) VALUES (%(p)s) RETURNING id", {"p": phone}
    )
    try:
        with engine.connect() as other:  # committed on its own: another connection sees the row
            seen = other.scalar(sa.text("SELECT count(*) FROM trainees WHERE phone = :p"), {"p": phone})
        assert seen == 1
    finally:
        with engine.begin() as other:
            other.execute(sa.text("DELETE FROM trainees WHERE phone = :p"), {"p": phone})
    with one_connection_engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None and driver.autocommit is False
        connection.execute(sa.text("SELECT 1"))
        assert connection.in_transaction()
