PYTHON ?= python3
INDEX ?= var/index
# The folder `make run` indexes: the bundled corpus/, or your own (make run DOCS=~/van-ban INDEX=var/van-ban).
DOCS ?= corpus
export POLICYQA_INDEX ?= $(abspath $(INDEX))

.PHONY: setup run test test-fast check lint eval bench soak

setup:
	./scripts/setup.sh

## Quick start 1: install everything, index DOCS (default: the bundled corpus/) into INDEX, serve the
## chat at http://127.0.0.1:8000 and the lookup page at /lookup
run: setup
	policyqa ingest $(DOCS)
	policyqa serve --host 127.0.0.1 --port 8000

## Quick start 2: install everything and run the whole test suite (what CI runs)
test: setup
	$(PYTHON) -m pytest -q

## The inner loop: the pure tests of the parser, question reader, recognisers, units, messages (< 1 min)
test-fast:
	$(PYTHON) -m pytest -q -m fast -p no:schemathesis tests/rag tests/eval tests/index

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
