# Every target creates .venv and installs what it needs when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench load lint install clean quality-model quality-curve notebooks cache-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,studio,notebooks,postgres,lab]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/orchestrator-graph demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the replay; the load test's quick form (one app process and one langgraph dev on SQLite,
# 8 clients for 8 s: make load runs it in full); one 800-turn thread (checkpoint file, overhead, memory; then with the
# graph's own compaction every 16 turns, StorageConfig.compact_every); the answer cache
# (its near-miss set, then its blind set through the graph); then (with the scored data)
# the adaptive router under drift and an A/B test replayed 50/50 against each strategy
# alone, and the stream replay of the router learning each source from shadow verdicts
# (issue 21; a few minutes; its plot in benchmarks/output/, outside git)
bench: $(STAMP)
	$(BIN)/orchestrator-graph bench --workload benchmarks/workloads/*.jsonl
	$(BIN)/python -u benchmarks/load.py --run sqlite --clients 8 --seconds 8
	$(BIN)/python -u benchmarks/long_thread.py --turns 800
	$(BIN)/python -u benchmarks/long_thread.py --turns 800 --only orchestrator --compact-setting 16
	$(BIN)/python -u benchmarks/cache_eval.py --workload benchmarks/workloads/*.jsonl
	$(BIN)/python -u benchmarks/cache_blind.py
	$(BIN)/python -u benchmarks/cache_blind.py --pairs benchmarks/cache/blind_pairs_v2.jsonl
	$(BIN)/python -u benchmarks/cache_blind.py --pairs benchmarks/cache/blind_pairs_v3.jsonl
	$(BIN)/python -u benchmarks/shadow_latency.py --turns 1000
	test ! -f $(QUALITY_DATA) || $(BIN)/python -u benchmarks/adaptive_drift.py $(QUALITY_DATA)
	test ! -f $(QUALITY_DATA) || $(BIN)/python -u benchmarks/ab_replay.py \
		benchmarks/workloads/mixed.jsonl --scored $(QUALITY_DATA) --scored-sessions 200
	test ! -f $(QUALITY_DATA) || test ! -f $(QUALITY_CHAT) || $(BIN)/python -u \
		benchmarks/stream_replay.py $(QUALITY_DATA) $(QUALITY_CHAT)

# the load test (benchmarks/load.py): real server processes on loopback (the shipped app and
# langgraph dev, simulated models), C clients for T seconds, every accepted turn checked
# against its transcript and the ledger: (a) one process on SQLite, (b) two on PostgreSQL
# (a database of their own on LOAD_POSTGRES's server), (c) as (b) with one SIGKILLed halfway.
# Heavier: make load LOAD_ARGS="--clients 64 --seconds 60 --pace 300,8"
LOAD_POSTGRES ?= $(or $(ORCHESTRATOR_TEST_POSTGRES_URL),postgresql://postgres@127.0.0.1:5432/postgres)
LOAD_ARGS ?= --clients 32 --seconds 25
load: $(STAMP)
	$(BIN)/python -u benchmarks/load.py --run all --postgres-url $(LOAD_POSTGRES) $(LOAD_ARGS)

# the shipped quality model: trained ONLY on the Apache-2.0 part (routellm_gsm8k) of the
# shared quality data; the CC BY-NC part (alpaca_eval_2) is for evaluation only
QUALITY_DATA ?= ../shared/data/quality_dev.jsonl
QUALITY_CHAT ?= ../shared/data/quality_chat.jsonl
CACHE_PAIRS ?= ../shared/data/cache_pairs_train.jsonl

cache-check: $(STAMP)
	$(BIN)/python -u benchmarks/cache_fit.py --pairs $(CACHE_PAIRS)

quality-model: $(STAMP)
	$(BIN)/orchestrator-graph quality train $(QUALITY_DATA) \
		--source routellm_gsm8k --out orchestrator_graph/quality/default_model.npz

quality-curve: $(STAMP)
	$(BIN)/orchestrator-graph quality curve $(QUALITY_DATA) --plot quality_curve.png

# the notebooks executed in place, offline (simulated models), outputs and plots stored
notebooks: $(STAMP)
	env -u OPENAI_API_KEY MPLBACKEND=Agg $(BIN)/jupyter nbconvert --to notebook --execute \
		--inplace --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
		notebooks/*.ipynb

lint: $(STAMP)
	$(BIN)/ruff check orchestrator_graph tests benchmarks
	$(BIN)/ruff format --check orchestrator_graph tests benchmarks
	$(BIN)/mypy orchestrator_graph

clean:
	rm -rf $(VENV) checkpoints/*.sqlite*
