from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from coach.db import make_engine
from coach.migrate import alembic_config
from tests import servers


def _tables_and_types(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        types = set(conn.execute(sa.text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars())
    engine.dispose()
    return tables, types


def test_migrations_upgrade_downgrade_and_upgrade_again_with_no_drift():
    url = servers.scratch_database("coach_test_migrations")
    config = alembic_config(url)

    command.upgrade(config, "head")
    tables, types = _tables_and_types(url)
    assert {"trainees", "outbound_messages", "workout_exercises", "movements"} <= tables
    assert "delivery_state" in types
    command.check(config)  # raises when the models and the migrations disagree

    command.downgrade(config, "base")
    tables, types = _tables_and_types(url)
    assert tables == {"alembic_version"}
    assert types == set()

    command.upgrade(config, "head")
    command.check(config)


def test_there_is_exactly_one_head():
    heads = ScriptDirectory.from_config(alembic_config("postgresql://unused")).get_heads()
    assert len(heads) == 1
