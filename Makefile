# Every target creates .venv and installs what it needs when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,studio,notebooks,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/orchestrator-graph demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/orchestrator-graph bench --workload benchmarks/workloads/*.jsonl

lint: $(STAMP)
	$(BIN)/ruff check orchestrator_graph tests benchmarks
	$(BIN)/ruff format --check orchestrator_graph tests benchmarks

clean:
	rm -rf $(VENV) checkpoints/*.sqlite*
