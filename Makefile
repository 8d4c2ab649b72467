# The two commands a newcomer needs: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck migrations-check pytest clean services-stop bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/coach run $(if $(RUN_PORT),--port $(RUN_PORT))

test: install browser lint typecheck migrations-check pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy coach workers bench

# The schema is only made by migrations: upgrade a fresh database to head and check for drift.
migrations-check: install
	DATABASE_URL="$$($(PY) -m tests.servers coach_check)" && export DATABASE_URL && \
		$(VENV)/bin/alembic upgrade head && $(VENV)/bin/alembic check

# The dashboard's browser test drives Debian's Chromium; install it where we can (root with apt-get).
.PHONY: browser
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "make browser: not root, cannot install chromium; the browser test will be skipped"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "make browser: no apt-get; the browser test will be skipped"; \
	else \
		echo "make browser: installing Debian's chromium for the browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
			|| echo "make browser: could not install chromium; the browser test will be skipped"; \
	fi

pytest: install
	$(PY) -m pytest

# Every benchmark's headline figure in one table, also written to bench/results.json (ARGS="--quick",
# ARGS="--only webhook,sender"). Like .ci/run: the PostgreSQL and Redis on 127.0.0.1 when they answer and
# DATABASE_URL / REDIS_URL are unset, else the embedded servers.
bench: install
	@if [ -z "$${DATABASE_URL:-}" ] && $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2).close()' 2>/dev/null; then \
		export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/postgres"; fi; \
	if [ -z "$${REDIS_URL:-}" ] && $(PY) -c 'import redis; redis.Redis(host="127.0.0.1", socket_timeout=2).ping()' 2>/dev/null; then \
		export REDIS_URL="redis://127.0.0.1:6379/0"; fi; \
	echo "bench: DATABASE_URL=$${DATABASE_URL:-<embedded>} REDIS_URL=$${REDIS_URL:-<embedded>}"; \
	$(PY) -m bench.suite $(ARGS)

services-stop: install
	$(VENV)/bin/coach services stop

clean: services-stop
	rm -rf $(VENV) .coach

# The fault suite (bench/chaos): real processes against a private PostgreSQL and Redis it crashes and flushes.
.PHONY: chaos chaos-small
chaos: install
	$(PY) -m bench.chaos --size full

chaos-small: install
	$(PY) -m bench.chaos --size small
