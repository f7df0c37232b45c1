# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
WEB_PORT ?= 8000
EMULATOR_PORT ?= 8765
# One time zone for every line `make run` prints: honcho's prefix and the apps' log lines.
TIME_ZONE ?= America/Toronto
# What the app needs to reach the emulator on these ports (override to point elsewhere).
QBO_REDIRECT_URI ?= http://$(HOST):$(WEB_PORT)/settings/accounting/callback/
QBO_EMULATOR_URL ?= http://$(HOST):$(EMULATOR_PORT)

.PHONY: install run test bench migrate seed emulator lint format messages clean screenshots browser-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	./scripts/ensure-pdf-libraries
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	WEB_HOST=$(HOST) WEB_PORT=$(WEB_PORT) $(BIN)/python manage.py seed_demo

## make run: web + Celery worker + Celery beat + the QuickBooks emulator, on embedded defaults.
## The emulator registers this WEB_PORT's redirect and webhook URLs itself (scripts/dev-emulator);
## a worker or beat that dies is started again (scripts/respawn).
run: seed
	@echo ""
	@echo "  Plannit            http://$(HOST):$(WEB_PORT)/   (demo login printed above)"
	@echo "  QuickBooks emulator http://$(HOST):$(EMULATOR_PORT)/"
	@echo "  Ctrl-C stops everything."
	@echo ""
	@QBO_EMULATOR_PORT=$(EMULATOR_PORT) WEB_PORT=$(WEB_PORT) WEB_HOST=$(HOST) \
	  QBO_REDIRECT_URI=$(QBO_REDIRECT_URI) QBO_EMULATOR_URL=$(QBO_EMULATOR_URL) \
	  TIME_ZONE=$(TIME_ZONE) TZ=$(TIME_ZONE) \
	  $(BIN)/honcho --procfile Procfile.dev start

## make test: the whole suite. Uses DATABASE_URL / REDIS_URL when set, embedded defaults otherwise.
test: lint browser-tools
	./scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## axe-core (pinned in package.json / package-lock.json) for the browser tests' accessibility check.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser-tools: node_modules/axe-core/axe.min.js

## make screenshots: the main pages at desktop and phone widths, in French and English, into
## docs/screenshots/ (needs `make run` in another terminal; PLANNIT_URL to point elsewhere).
screenshots: install
	./scripts/ensure-chromium
	$(BIN)/python scripts/screenshots.py

## make lint: ruff's rules and its formatter, both as checks (make format applies them).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script" >&2; $(BIN)/python $$script || exit 1; done

emulator: install
	$(BIN)/python -m qbo_emulator --port $(EMULATOR_PORT) --state var/qbo_emulator.sqlite3

## make messages: the README's procedure (python -m core.i18n) for every catalog, templates included.
messages: install
	$(BIN)/python -m core.i18n --all

clean:
	rm -rf $(VENV) var node_modules
