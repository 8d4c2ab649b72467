"""The webhook's round trips on per-thread connections: autocommit, replaced when dead, closed with it."""

from __future__ import annotations

import gc
import os
import threading
import time
import warnings
from datetime import UTC, datetime

import psycopg
import pytest
import redis
import sqlalchemy as sa
from redis.exceptions import ResponseError

from coach import hot_path
from coach.hot_path import first_row, redis_eval


def _pid(engine) -> int:
    row = first_row(engine, "SELECT pg_backend_pid()", {})
    assert row is not None
    return int(row[0])


def _alive(engine, pid: int) -> bool:
    with engine.connect() as admin:
        return bool(admin.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}))


def test_a_thread_keeps_one_connection_and_a_dead_one_is_replaced_without_an_error(engine):
    before = _pid(engine)
    assert _pid(engine) == before  # the same connection, call after call
    with engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
    time.sleep(0.2)
    after = _pid(engine)  # no error: the dead connection was dropped and the statement ran again
    assert after != before


def test_each_statement_commits_on_its_own_and_an_error_leaves_the_connection_usable(engine):
    with pytest.raises(psycopg.errors.DivisionByZero):
        first_row(engine, "SELECT 1 / %(zero)s", {"zero": 0})
    phone = "+15550001234"
    first_row(engine, "INSERT INTO trainees (phone) VALUES (%(p)s) RETURNING id", {"p": phone})
    try:
        with engine.connect() as other:  # committed: another connection sees the row at once
            seen = other.scalar(sa.text("SELECT count(*) FROM trainees WHERE phone = :p"), {"p": phone})
        assert seen == 1
    finally:
        with engine.begin() as other:
            other.execute(sa.text("DELETE FROM trainees WHERE phone = :p"), {"p": phone})


def test_values_go_to_postgres_and_come_back_with_their_types(engine):
    moment = datetime(2026, 12, 2, 13, 0, 30, 123456, tzinfo=UTC)
    sql = """SELECT %(text)s::text, %(number)s + 1, %(moment)s::timestamptz = %(expected)s::timestamptz,
        %(none)s::text IS NULL, %(number)s::int2, 2 > 1, %(moment)s::timestamptz::date"""
    params = {
        "text": 'héllo 💪 \' \\ "x"',
        "number": 41,
        "moment": moment,
        "expected": "2026-12-02 13:00:30.123456+00",
    }
    row = first_row(engine, sql, {**params, "none": None})
    assert row == (params["text"], 42, True, True, 41, True, "2026-12-02")
    # the same statement with another parameter's type: prepared again for those types, not misread
    row = first_row(engine, sql, {**params, "none": "not null"})
    assert row is not None and row[3] is False
    assert first_row(engine, "SELECT 1 WHERE false", {}) is None
    assert first_row(engine, "SELECT 'a%%b', %(x)s::text", {"x": "%"}) == ("a%b", "%")  # as psycopg reads it
    assert first_row(engine, "SELECT %(a)s::text || %(a)s::text", {"a": "ab"}) == ("abab",)
    with pytest.raises(TypeError):
        first_row(engine, "SELECT %(x)s", {"x": 1.5})
    with pytest.raises(psycopg.DataError):  # not cut short at the NUL
        first_row(engine, "SELECT %(x)s::text", {"x": "a\x00b"})
    with pytest.raises(psycopg.errors.SyntaxError):
        first_row(engine, "SELEKT 1", {})
    assert first_row(engine, "SELECT 7", {}) == (7,)  # still usable after a statement failed to prepare


def test_a_threads_connections_close_when_the_thread_ends(engine, redis_client):
    pids: list[int] = []
    redis_ids: list[int] = []

    def work() -> None:
        pids.append(_pid(engine))
        redis_eval(redis_client, "return redis.call('SET', KEYS[1], ARGV[1])", ["hot:thread"], ["1"])
        connection = hot_path._held().redis[id(redis_client.connection_pool)][1]
        connection.send_command("CLIENT", "ID")
        redis_ids.append(int(connection.read_response()))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        gc.collect()
    time.sleep(0.2)
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]  # closed, not dropped open
    assert not _alive(engine, pids[0])
    # by its own id: the server's other clients (earlier tests' threads ending) come and go meanwhile
    assert redis_ids[0] not in {int(client["id"]) for client in redis_client.client_list()}
    assert redis_client.get("hot:thread") == b"1"


def test_an_error_in_the_script_raises_and_the_next_call_works(redis_client):
    script = "redis.call('SET', KEYS[1], '1'); return redis.call('RPUSH', KEYS[2], ARGV[1])"
    redis_client.set("hot:string", "x")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        redis_eval(redis_client, script, ["hot:a", "hot:string"], ["y"])
    assert redis_client.get("hot:a") == b"1"  # a script is atomic, not a rollback: what ran before stays
    assert redis_eval(redis_client, script, ["hot:a", "hot:list"], ["z"]) == 1
    assert redis_client.lrange("hot:list", 0, -1) == [b"z"]


def test_a_forked_child_uses_its_own_connection_and_leaves_the_parents_session_alone(engine):
    parent_backend = _pid(engine)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its own connection; the inherited one must not be closed from here
        try:
            os.write(write_end, str(_pid(engine)).encode())
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    child_backend = int(os.read(read_end, 32))
    os.close(read_end)
    os.close(write_end)
    assert child_backend != parent_backend
    assert _pid(engine) == parent_backend  # the parent's session survived the child


def test_a_redis_connection_the_server_closed_is_replaced_before_the_script_runs(redis_client):
    script = "return redis.call('INCR', KEYS[1])"
    assert redis_eval(redis_client, script, ["hot:n"], []) == 1
    # What a Redis restart or its idle timeout does to this thread's connection.
    connection = hot_path._held().redis[id(redis_client.connection_pool)][1]
    connection.send_command("CLIENT", "ID")  # by id: the embedded server's unix socket has no address
    redis_client.execute_command("CLIENT", "KILL", "ID", connection.read_response())
    time.sleep(0.1)
    assert redis_eval(redis_client, script, ["hot:n"], []) == 2


def test_a_long_reply_is_read_whole_and_a_late_one_times_out(redis_client):
    script = "return string.rep(ARGV[1], tonumber(ARGV[2]))"
    assert redis_eval(redis_client, script, [], ["abc", 100_000]) == b"abc" * 100_000  # many reads
    pool = redis_client.connection_pool  # TCP or the embedded server's unix socket
    impatient = redis.Redis(
        connection_pool=redis.ConnectionPool(
            connection_class=pool.connection_class, **{**pool.connection_kwargs, "socket_timeout": 0.2}
        )
    )
    busy = "local t = redis.call('TIME') local start = t[1] * 1e6 + t[2] " + (
        "repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] - start > 600000 return 1"
    )
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        redis_eval(impatient, busy, [], [])
    assert time.monotonic() - started < 0.5  # the socket's timeout, not the script's end
    time.sleep(0.6)
    assert redis_eval(impatient, "return 7", [], []) == 7  # a new connection
