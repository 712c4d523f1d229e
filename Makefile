# The two commands of the README: `make run` and `make test`.
# Both create .venv when missing and install the pinned set from requirements.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.qualframe-installed

.PHONY: run test lint format lock demo bench clean-results

$(STAMP): pyproject.toml requirements.lock requirements-model.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r requirements-model.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --cores all --profile profiles/default

test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --lint --cores 1

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/snakefmt Snakefile workflow/rules

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Pinned dependency set for qualframe (Python 3.11), installed by 'make' into .venv."; \
	  echo "# Regenerate: make lock  (resolves pyproject.toml's dependencies and the dev extra afresh)."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^qualframe'; } > requirements.lock
	rm -rf .lock-venv

# Rebuild the demo study's files from resources/demo/annotated/ (see its README).
demo: $(STAMP)
	$(BIN)/python resources/demo/build_demo.py

# Benchmarks (benchmarks/README.md): de-identification against Microsoft Presidio, in a
# separate environment because Presidio pins some packages differently.
BENCH_VENV ?= .bench-venv
BENCH_BIN := $(BENCH_VENV)/bin
BENCH_STAMP := $(BENCH_VENV)/.qualframe-installed
BENCH_SEED ?= 20261126
BENCH_N ?= 100

$(BENCH_STAMP): pyproject.toml requirements.lock requirements-model.lock benchmarks/requirements.txt
	@test -x $(BENCH_BIN)/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r requirements-model.lock
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BENCH_BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_BIN)/python benchmarks/deid/run.py --seed $(BENCH_SEED) --n $(BENCH_N)

clean-results:
	rm -rf results logs
