# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
WEB_PORT ?= 8000
EMULATOR_PORT ?= 8765

.PHONY: install run test bench migrate seed emulator lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: web + Celery worker + Celery beat + the QuickBooks emulator, on embedded defaults.
run: seed
	@echo ""
	@echo "  Plannit            http://$(HOST):$(WEB_PORT)/   (demo login printed above)"
	@echo "  QuickBooks emulator http://$(HOST):$(EMULATOR_PORT)/"
	@echo "  Ctrl-C stops everything."
	@echo ""
	@QBO_EMULATOR_PORT=$(EMULATOR_PORT) WEB_PORT=$(WEB_PORT) WEB_HOST=$(HOST) \
	  $(BIN)/honcho --procfile Procfile.dev start

## make test: the whole suite. Uses DATABASE_URL / REDIS_URL when set, embedded defaults otherwise.
test: lint
	./scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

messages: install
	for app in businesses contacts catalog invoicing accounting core; do \
	  (cd $$app && ../$(BIN)/django-admin makemessages -l fr --no-obsolete >/dev/null && ../$(BIN)/django-admin compilemessages >/dev/null); done

clean:
	rm -rf $(VENV) var
