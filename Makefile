# hw: the two set-up commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= .demo-home

.PHONY: install demo test lint typecheck contracts unit bench clean system-deps locale

# The dev install includes the `print` extra so the suite tests printing. The
# uninstall clears, from venvs made before, the distribution's old name (`hw`)
# and what PyMuPDF 2 brought in before hw pinned it below 2 (onnxruntime queues
# telemetry: tests/unit/test_distribution.py).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip uninstall --quiet --yes hw onnxruntime pymupdf4llm pymupdf-layout 2>/dev/null || true
	$(BIN)/python -m pip install --quiet -e ".[dev,print]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m hwcli.demo --home $(DEMO_HOME)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# The handout's translations: merge new messages from the source into the .po files
# (src/hwcore/printing/locale/) and compile the .mo files the package ships.
locale: $(STAMP)
	$(BIN)/python -m hwcore.printing.locale_build

system-deps:
	@bash scripts/system-deps.sh

unit: $(STAMP) system-deps
	$(BIN)/pytest -q -n 2

test: lint typecheck contracts unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
