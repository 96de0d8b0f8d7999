PYTHON ?= python3
INDEX ?= var/index
export POLICYQA_INDEX ?= $(abspath $(INDEX))

.PHONY: setup run test check lint eval bench soak

setup:
	./scripts/setup.sh

## Quick start 1: install everything, index the bundled corpus, serve the chat at http://127.0.0.1:8000
run: setup
	policyqa ingest corpus
	policyqa serve --host 127.0.0.1 --port 8000

## Quick start 2: install everything and run the whole test suite (what CI runs)
test: setup
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

check: lint
	$(PYTHON) -m pytest -q

eval:
	policyqa ingest corpus --no-progress
	policyqa eval --qa ../shared/eval/dev_qa.jsonl --out eval-out --baseline

bench:
	policyqa ingest corpus --no-progress
	policyqa bench --out bench-results

## Soak: 20 askers and a stream of uploads/deletions for 3 minutes on loopback; zero errors, zero lost
soak:
	$(PYTHON) -m tools.soak --minutes 3 --clients 20 --out soak-results.json
