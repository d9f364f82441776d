# cds-pipeline: `make run` builds the warehouse and publishes the sample corpus; `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export GX_ANALYTICS_ENABLED ?= false

.PHONY: install run test lint typecheck audit unit eval bench clean serve stop api
AUDIT_STRICT ?= 0

install: $(VENV)/.installed .prefect/.migrated

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

# Prefect's first start creates and migrates its database: done once here, not inside the first run.
.prefect/.migrated: $(VENV)/.installed
	$(BIN)/python -m cds.prefect_api
	@touch $@

run: install  ## Run the nightly flow on the bundled sample corpus (samples/reports).
	$(BIN)/cds run

test: install lint typecheck audit  ## Format check, lint, types, dependency audit, then every test (integration included).
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy cds flows transforms warehouse expectations

audit: install  ## Known vulnerabilities in the locked dependencies (pip-audit); AUDIT_STRICT=1 fails on findings.
	@$(UV) export --quiet --frozen --all-groups --no-emit-project --format requirements.txt -o $(VENV)/audit-requirements.txt
	@AUDIT_STRICT=$(AUDIT_STRICT) $(BIN)/python ops/audit.py $(VENV)/audit-requirements.txt

unit: install  ## Fast tests only.
	$(BIN)/pytest -m "not integration"

eval: install  ## Extraction scores on ../shared/seeds and ../shared/devset, beside the peers (regex, underthesea NER).
	$(UV) run --frozen --group peers python -m bench.eval

bench: install  ## Benchmarks: BENCH_N reports (default 2000), BENCH_SCALE=0 skips 10·N; writes bench/results/.
	$(UV) run --frozen --group peers python -m bench.run

clean:
	rm -rf public warehouse/cds.duckdb warehouse/cds.duckdb.wal

API_HOST ?= 127.0.0.1
API_PORT ?= 8000
api: install  ## Read-only HTTP API over the published releases (API_HOST, API_PORT; docs at /docs).
	$(BIN)/cds api --host $(API_HOST) --port $(API_PORT)

serve: install  ## Local Prefect server, work pool, deployments of prefect.yaml and a worker (CDS_PREFECT_PORT, default 4200).
	bash ops/serve.sh

stop:  ## Stop the worker and server `make serve` started.
	bash ops/stop.sh
