# Development commands. Every target first makes sure that .venv exists and has the
# project installed in editable mode with the dev extras (reinstalled when
# pyproject.toml changes).

VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-pyproject

# Prints the first interpreter on PATH that is Python 3.11 or newer.
FIND_PYTHON := for candidate in python3 python3.14 python3.13 python3.12 python3.11; do \
	if command -v $$candidate >/dev/null 2>&1 \
		&& $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		echo $$candidate; break; \
	fi; \
done

.PHONY: run test demo admin lint

## run: start the local stack (servers, migrations, the three services) until Ctrl-C
run: $(STAMP)
	$(PYTHON) -m deploy.local $(ARGS)

## test: run the test suite; pass pytest options in ARGS or PYTEST_ARGS
test: $(STAMP)
	$(PYTHON) -m pytest $(ARGS) $(PYTEST_ARGS)

## demo: walk through login, an order, its payment and logout against `make run`
demo: $(STAMP)
	$(PYTHON) -m deploy.local.demo $(ARGS)

## admin: give a registered user the admin role, e.g. make admin EMAIL=someone@example.com
admin: $(STAMP)
	@if [ -z "$(EMAIL)" ]; then echo "usage: make admin EMAIL=someone@example.com" >&2; exit 2; fi
	@# The running local stack writes its server addresses to this file.
	@if [ -z "$$REVOCAST_DATABASE_URL" ] && [ -f .revocast/stack/environment ]; then \
		set -a; . ./.revocast/stack/environment; set +a; \
	fi; \
	$(PYTHON) -m auth.cli promote "$(EMAIL)"

## lint: check code and formatting with ruff
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(STAMP): pyproject.toml
	@if [ ! -x $(PYTHON) ]; then \
		base="$$($(FIND_PYTHON))"; \
		if [ -z "$$base" ]; then \
			echo "error: no Python 3.11 or newer on PATH (tried python3, python3.14 ... python3.11). Install one and retry." >&2; \
			exit 1; \
		fi; \
		echo "Creating $(VENV) with $$(command -v $$base)"; \
		$$base -m venv $(VENV); \
	fi
	$(PYTHON) -m pip install -e '.[dev]'
	touch $(STAMP)
