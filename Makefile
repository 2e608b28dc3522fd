# gongkai — the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
GONGKAI := $(BIN)/gongkai
export PIP_ROOT_USER_ACTION := ignore
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: audit help demo test test-sqlite test-postgres lint typecheck bench serve worker node clean screenshots reliability

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.runtime: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV) (log: $(VENV)/pip.log) ..."
	@{ $(PIP) install --upgrade pip && $(PIP) install -r requirements.txt \
		&& $(PIP) install --no-deps -e . ; } >$(VENV)/pip.log 2>&1 \
		|| { grep -v "^WARNING: Location" $(VENV)/pip.log | tail -30; exit 1; }
	@$(BIN)/python -c "import django, wagtail, gongkai" && touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "Installing test tools into $(VENV) ..."
	@$(PIP) install -r requirements-dev.txt >>$(VENV)/pip.log 2>&1 \
		|| { grep -v "^WARNING: Location" $(VENV)/pip.log | tail -30; exit 1; }
	@$(BIN)/python -c "import pytest, pytest_django, time_machine, factory" && touch $@

# Front-end packages (ECharts, axe-core) from the npm registry, when Node.js >= 20 exists.
# Without Node the site still works: charts fall back to tables.
node:
	@if command -v node >/dev/null 2>&1 && [ "$$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then \
		[ -d node_modules/echarts ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; \
	else echo "Node.js >= 20 not found: skipping front-end packages (charts show as tables)."; fi

var:
	@mkdir -p var

demo: $(VENV)/.runtime node var ## Install, migrate, load the demo bureau and serve on http://127.0.0.1:8000
	@DEBUG=1 $(GONGKAI) migrate --no-input -v 0
	@DEBUG=1 $(GONGKAI) load_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)  — Ctrl-C stops."
	@trap 'kill 0' EXIT INT TERM; \
		DEBUG=1 $(GONGKAI) db_worker --interval 2 >var/worker.log 2>&1 & \
		DEBUG=1 $(GONGKAI) periodic --loop 60 >var/periodic.log 2>&1 & \
		DEBUG=1 $(GONGKAI) runserver $(HOST):$(PORT)

serve: $(VENV)/.runtime var ## Serve the existing database without reloading the demo
	@DEBUG=1 $(GONGKAI) runserver $(HOST):$(PORT)

browsers:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || echo "chromium could not be installed: browser tests will be skipped"

test: $(VENV)/.dev node browsers lint test-sqlite test-postgres ## Lint, then the full suite on SQLite and on PostgreSQL

lint: $(VENV)/.dev
	@$(BIN)/ruff check .
	@$(BIN)/mypy gongkai tools
	@$(BIN)/bandit -q -r gongkai -x '*/tests/*,*/migrations/*' --severity-level high
	@$(BIN)/python tools/dependency_audit.py

audit: $(VENV)/.dev ## Known vulnerabilities of every installed package (pip-audit; also part of lint)
	@GONGKAI_AUDIT_REQUIRED=$${GONGKAI_AUDIT_REQUIRED:-1} $(BIN)/python tools/dependency_audit.py

test-sqlite: $(VENV)/.dev
	@echo "== test suite on SQLite"
	@env -u DATABASE_URL SECRET_KEY=test-only $(BIN)/pytest -n 2 -q --durations=15

test-postgres: $(VENV)/.dev
	@echo "== test suite on PostgreSQL ($(POSTGRES_URL))"
	@if ! $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		if [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $(POSTGRES_URL): failing (CI=true)."; exit 1; \
		else echo "SKIPPED: PostgreSQL is not reachable at $(POSTGRES_URL) (set POSTGRES_URL, or start it)."; exit 0; fi; fi
	@DATABASE_URL=$(POSTGRES_URL) SECRET_KEY=test-only $(BIN)/pytest -n 2 -q --durations=15

bench: $(VENV)/.dev ## Benchmarks (not part of make test); figures go to docs/performance.md
	@$(BIN)/python bench/run.py
	@$(BIN)/python bench/web_stack.py
	@$(BIN)/python bench/search.py
	@$(BIN)/python bench/deadlines.py
	@$(BIN)/python bench/enforcement_draw.py
	@$(BIN)/python bench/official_stats.py
	@$(BIN)/python bench/release_minute.py
	@$(BIN)/python bench/annual_report.py
	@$(BIN)/python bench/engagement.py

reliability: $(VENV)/.dev ## Fault drills of issue 9 §2 (not part of make test; ~45 min); figures go to docs/reliability.md
	@$(BIN)/python reliability/run.py --soak-minutes $${SOAK_MINUTES:-30}

screenshots: $(VENV)/.dev node browsers ## PNGs of the main pages from the demo database into docs/screenshots/ (run make demo first)
	@fc-list :lang=zh 2>/dev/null | grep -q . || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; } || echo "fonts-noto-cjk could not be installed: Chinese text may show as boxes"
	@DEBUG=1 $(BIN)/python bench/screenshots.py

clean: ## Remove the environment and local data
	rm -rf $(VENV) var node_modules static_collected
