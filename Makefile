# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB := inspections.db

.PHONY: install db run test benchmark benchmark-serve clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Exit status 1 means some inputs were rejected (listed above, and in ingest_log):
# the database is still complete for the rest, so carry on.
db: install
	$(BIN)/inspections build corpus --db $(DB) --extracted-dir extracted -q || [ $$? -eq 1 ]

run: db
	$(BIN)/inspections serve --db $(DB)

test: install
	$(BIN)/python -m pytest

benchmark: install
	$(BIN)/python benchmarks/run.py

# Canned queries against a 500-report database served locally (p95 < 100 ms each).
benchmark-serve: install
	$(BIN)/python benchmarks/serve_load.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
