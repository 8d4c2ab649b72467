"""One statement run through libpq itself: prepared once per connection, executed with one blocking call.

psycopg's cursor runs a statement as a generator of wait states, each `poll` giving up the GIL and taking it
back; in a gunicorn worker whose other threads want the GIL, each of those handoffs costs a context switch.
`PGconn.exec_prepared` gives up the GIL once for the whole round trip (~0.05 ms less CPU a webhook; `python
-m bench.webhook_bench`). Parameters go as text with their types named (str, int, datetime and None only);
values come back as int, bool or str.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors, pq

# The names of the statements prepared on a connection, by statement text and parameter types.
Prepared = dict[tuple[bytes, tuple[int, ...]], bytes]

_TYPES: dict[type, int] = {str: 25, int: 20, datetime: 1184}  # text, int8, timestamptz
_INTEGERS = frozenset({20, 21, 23})  # int8, int2, int4


def _bool(raw: bytes) -> bool:
    return raw == b"t"


_READ: dict[int, Callable[[bytes], Any]] = {**dict.fromkeys(_INTEGERS, int), 16: _bool}


@functools.lru_cache(maxsize=32)
def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """`sql` with psycopg's `%(name)s` placeholders as libpq's `$1, $2, ...` (and `%%` as `%`, as psycopg
    reads it); the names in that order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql).replace("%%", "%").encode(), tuple(names)


def first_row(
    connection: psycopg.Connection[Any],
    prepared: Prepared,
    sql: str,
    params: Mapping[str, Any],
) -> tuple[Any, ...] | None:
    """Run `sql` on `connection` (prepared on first use, its name kept in `prepared`, which belongs to the
    connection) and return its first row. A failure raises psycopg's error for it (OperationalError for a
    lost connection)."""
    text, names = numbered(sql)
    values = [params[name] for name in names]
    types = tuple(_type(value) for value in values)
    pgconn = connection.pgconn
    name = prepared.get((text, types))
    if name is None:
        name = f"coach_hot_{len(prepared)}".encode()
        _check(connection, pgconn.prepare(name, text, types), pq.ExecStatus.COMMAND_OK)
        prepared[(text, types)] = name
    texts: list[Any] = [_text(value) for value in values]  # None is NULL
    result = pgconn.exec_prepared(name, texts)
    if result.status == pq.ExecStatus.COMMAND_OK or (
        result.status == pq.ExecStatus.TUPLES_OK and not result.ntuples
    ):
        return None
    _check(connection, result, pq.ExecStatus.TUPLES_OK)
    return tuple(_value(result, column) for column in range(result.nfields))


def _type(value: Any) -> int:
    if value is None:
        return 0  # unknown: the server infers it
    found = _TYPES.get(type(value))
    if found is None:
        raise TypeError(f"a hot-path statement takes str, int, datetime or None, not {type(value).__name__}")
    return found


def _text(value: Any) -> bytes | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    if "\x00" in text:  # libpq would cut the value there; psycopg refuses it the same way
        raise psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return text.encode()


def _value(result: pq.abc.PGresult, column: int) -> Any:
    raw = result.get_value(0, column)
    if raw is None:
        return None
    return _READ.get(result.ftype(column), bytes.decode)(raw)


def _check(connection: psycopg.Connection[Any], result: pq.abc.PGresult, expected: pq.ExecStatus) -> None:
    if result.status == expected:
        return
    if connection.pgconn.status == pq.ConnStatus.BAD:
        raise psycopg.OperationalError(connection.pgconn.get_error_message())
    raise errors.error_from_result(result, encoding=connection.info.encoding)
