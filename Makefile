# Podium: `make run` serves the site with a real worker; `make test` passes every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: install dev bubblewrap check-bubblewrap run test test-fast lint format bench bench-throughput bench-rush bench-cold-start bench-sandbox bench-projects clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

# The `podium` client is not part of the server; `make run` installs it beside the site so it can be tried.
$(VENV)/.cli-installed: cli/pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ./cli
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	$(PIP) install -q --no-deps sota-extractor==0.0.29
	touch $@

install: $(VENV)/.installed

# The sandbox (execution/, docs/sandbox.md) runs programs in bubblewrap: installed here as root on Debian and
# Ubuntu, else the command to run is printed. Without it Podium runs, but refuses to run hosts' programs.
bubblewrap:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap >/dev/null 2>&1 || \
	      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap >/dev/null; }; \
	  else echo "  Install bubblewrap for the sandbox: sudo apt-get install bubblewrap (docs/sandbox.md)"; fi; }

check-bubblewrap:
	@command -v bwrap >/dev/null 2>&1 || echo "  bubblewrap is missing: sandboxed programs will not run (make bubblewrap)"

dev: $(VENV)/.dev-installed

run: install $(VENV)/.cli-installed check-bubblewrap
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_code_demo
	$(PY) manage.py seed_community_demo
	$(PY) manage.py seed_projects_demo
	@echo ""
	@echo "  Podium is starting on http://localhost:$(PORT)/"
	@echo "  Participant: demo / podium-demo    Host: demo-host / podium-demo    Admin: admin / podium-admin"
	@echo "  Co-host (digits): demo-cohost / podium-demo    Reviewer (digits): demo-reviewer / podium-demo"
	@echo ""
	$(PY) -m config.procfile -f Procfile -p $(PORT)

# Every test, real processes and Chromium included, in TEST_WORKERS processes (pytest-xdist; tests/conftest.py
# keeps the integration and chaos tests on one worker, each browser module on one); the 20 slowest are listed.
TEST_WORKERS ?= 2
test: dev bubblewrap
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20

# Everything but the integration, browser and chaos tests: no real processes, no browser.
test-fast: dev
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup -m "not integration and not browser and not chaos"

lint: dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: dev
	$(PY) bench/scoring.py
	$(PY) bench/bench_pipeline.py
	$(PY) bench/leaderboard.py
	$(PY) bench/cold_start.py

# The stack as the Procfile runs it, on PostgreSQL and Redis (db 9): 1,000 files of 10,000 rows, 1 and 2
# worker processes, 10 and 50 teams; QUICK=1 runs the short version of each.
bench-throughput: dev
	$(PY) bench/throughput.py $(if $(QUICK),--quick)

bench-rush: dev
	$(PY) bench/rush.py $(if $(QUICK),--quick)

bench-cold-start: dev
	$(PY) bench/cold_start.py $(if $(QUICK),--quick)

# A sandboxed run's overhead over the same program run bare, and short runs per second with 1 and 2 workers.
bench-sandbox: dev bubblewrap
	$(PY) bench/sandbox.py

# 10,000 public projects and a paper with 100 implementations on PostgreSQL: list, paper page and API p50/p95.
bench-projects: dev
	$(PY) bench/projects_papers.py

clean:
	rm -rf var
