# wijkwerk: `make run` serves a working site on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app app

.PHONY: run test bench screenshots openapi install install-test assets translations db lint extract-messages clean

run: install assets translations db
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test assets translations
	bash scripts/test-browser.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	WIJKWERK_TEST_POSTGRES_URI="$$(bash scripts/test-postgres.sh)" $(BIN)/pytest $(PYTEST_ARGS)

# Back-office speed with 2,000 registrations × 4 sessions (median of 5 renders, SQL queries), then
# load under gunicorn on PostgreSQL and SQLite beside bare Flask, and 200 clients racing for 5 places.
bench: install-test assets translations
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/load.py

# Whole-page PNGs of every public, registrant and approver page and of the mails they cause, at
# 1366 and 390 px, into screenshots/ (scripts/screenshots.py): look at them before a release.
screenshots: install-test assets translations
	bash scripts/test-browser.sh
	$(BIN)/python scripts/screenshots.py

# The OpenAPI document, generated from the declared shapes, into docs/openapi.json (committed).
openapi: install
	$(BIN)/python scripts/openapi.py

# --- installation -------------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

assets: wijkwerk/static/vendor/.built
wijkwerk/static/vendor/.built: package.json package-lock.json scripts/build-assets.sh
	bash scripts/build-assets.sh
	touch $@

MO_FILES := $(patsubst %.po,%.mo,$(wildcard wijkwerk/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)
wijkwerk/translations/%/LC_MESSAGES/messages.mo: wijkwerk/translations/%/LC_MESSAGES/messages.po | install
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ -l $*

# --- database: migrate, then load reference and demo data (both idempotent) -------------------------
db: install
	$(FLASK) db upgrade
	$(FLASK) wijkwerk load-municipalities
	$(FLASK) wijkwerk demo

# --- development ---------------------------------------------------------------------------------
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --omit-header -o wijkwerk/translations/messages.pot .
	$(BIN)/pybabel update -i wijkwerk/translations/messages.pot -d wijkwerk/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules wijkwerk/static/vendor .pytest_cache
	find wijkwerk/translations -name '*.mo' -delete
