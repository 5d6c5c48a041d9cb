# Arabic entity-linking service. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROTO := proto/entitylinker/v1/entity_linker_service.proto
GENERATED := entitylinker/v1/entity_linker_service_pb2.py
GAZETTEER := build/gazetteer.sqlite
NATIVE := .native/manifest.json
PORT ?= 50051
HTTP_PORT ?= 8080
BIND ?= 127.0.0.1

.DEFAULT_GOAL := help
.PHONY: help setup proto native gazetteer serve test browser eval bench lint proto-lint clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	# camel-tools without its declared dependencies: they pull PyTorch and
	# transformers (gigabytes) for models this service never loads. Its
	# utils and word tokenizer need only emoji, six, regex and cachetools,
	# which requirements.txt pins.
	$(PY) -m pip install --quiet --no-deps camel-tools==1.6.0
	# The client library (client/), editable: the `entitylinker` command and `python -m client`.
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --editable ./client
	touch $@

setup: $(STAMP) ## Create .venv and install the pinned dependencies

# google/api/annotations.proto (the HTTP mapping) comes with googleapis-common-protos, pinned in requirements.txt.
API_PROTOS = $$($(PY) -c 'import importlib.util as u, pathlib as p; print(p.Path(u.find_spec("google.api.annotations_pb2").origin).parents[2])')
CLIENT_STUBS := client/src/entitylinker_client/_proto

# The server's stubs (entitylinker/, not committed) and the client library's copy (committed, so that
# `pip install ./client` needs no protoc; its grpc module imports its message module relatively).
$(GENERATED): $(PROTO) $(STAMP)
	rm -rf build/stubs && mkdir -p build/stubs entitylinker/v1 $(CLIENT_STUBS)
	$(PY) -m grpc_tools.protoc -Iproto -I"$(API_PROTOS)" --python_out=build/stubs --grpc_python_out=build/stubs --pyi_out=build/stubs $(PROTO)
	cp build/stubs/entitylinker/v1/*.py* entitylinker/v1/
	touch entitylinker/__init__.py entitylinker/v1/__init__.py
	cp build/stubs/entitylinker/v1/entity_linker_service_pb2.py* $(CLIENT_STUBS)/
	sed 's/^from entitylinker\.v1 import/from . import/' build/stubs/entitylinker/v1/entity_linker_service_pb2_grpc.py \
		> $(CLIENT_STUBS)/entity_linker_service_pb2_grpc.py

proto: $(GENERATED) ## Generate the Python gRPC code from proto/

# The linking core compiled to C by mypyc (same sources, about twice as fast). It is
# used only while it matches the sources; a changed module makes this rebuild. Without
# Python's headers or a C compiler it warns and the core runs as plain Python.
$(NATIVE): $(STAMP) $(wildcard server/linking/*.py) server/compile_core.py
	$(PY) -m server.compile_core

native: $(NATIVE) ## Compile the linking core with mypyc into .native/ (the server falls back to plain Python without it)

$(GAZETTEER): $(STAMP) $(wildcard seeds/*.jsonl) $(wildcard gazetteer/*.py gazetteer/data/*)
	$(PY) -m gazetteer build --out $(GAZETTEER)

gazetteer: $(GAZETTEER) ## Build the seed gazetteer (build/gazetteer.sqlite)

serve: $(GENERATED) $(NATIVE) $(GAZETTEER) ## Set up and serve gRPC on PORT (50051), the web page and HTTP/JSON on HTTP_PORT (8080), bound to BIND (127.0.0.1)
	$(PY) -m server --gazetteer $(GAZETTEER) --host $(BIND) --port $(PORT) --http-port $(HTTP_PORT)

test: $(GENERATED) $(NATIVE) browser ## Set up, compile the core, install the test browser and run the whole test suite
	ENTITYLINKER_EXPECT_COMPILED=1 $(PY) -m pytest -q

# The web page test drives Debian's chromium with chromium-driver (tests/test_web_page.py).
browser: ## Install Debian's chromium and chromium-driver for the web page test, when missing
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
		echo "warning: not root and no sudo: cannot install chromium, the web page test will be skipped" >&2; exit 0; fi; \
	echo "installing Debian's chromium and chromium-driver for the web page test"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null

eval: $(GENERATED) $(NATIVE) ## Linker quality: dev P/R/F1, Resolve, calibration, spelling-blind, label-only, ANERcorp
	$(PY) -m evaluation

bench: $(GENERATED) $(NATIVE) ## Service vs alternatives at 10k/100k/1M entities, one table, then the worst-case inputs (not in make test; BENCH_ARGS=--quick)
	$(PY) -m bench.service_bench $(BENCH_ARGS)
	$(PY) -m bench.worst_case $(WORST_ARGS)

gazetteer-dump: $(STAMP) ## Build the gazetteer from a Wikidata JSON dump plus the seeds: make gazetteer-dump DUMP=latest-all.json.gz
	@test -n "$(DUMP)" || { echo "usage: make gazetteer-dump DUMP=path/to/dump.json[.gz|.bz2] (several: DUMP='a.json.gz b.json.gz')"; exit 2; }
	$(PY) -m gazetteer build $(foreach d,$(DUMP),--dump $(d)) --out $(GAZETTEER)

gazetteer-refresh: $(STAMP) ## Rebuild the gazetteer from the Wikidata Query Service (gazetteer/queries/*.rq) plus the seeds
	$(PY) -m gazetteer build --sparql --out $(GAZETTEER)

bench-build: $(STAMP) ## Build rate, peak memory and DB size on synthetic dumps (gz, bz2, plain): make bench-build N=1000000
	$(PY) -m bench.build_bench --entities $(or $(N),100000)

gazetteer-1m: $(STAMP) ## The seeds inside 1M realistic synthetic entities (bench/data/gazetteer-1000000.sqlite, ~15 min), for make eval at scale
	$(PY) -m bench.datasets 1000000

soak: $(GENERATED) $(NATIVE) ## 60 s of mixed loopback load on --workers 2: reloads, a corrupt file, an overwrite, a killed worker, SIGTERM (SOAK_ARGS=--seconds 8)
	$(PY) -m bench.soak $(SOAK_ARGS)

worst-case: $(GENERATED) $(NATIVE) ## Seconds and memory of the worst-case inputs at the size limit, through the core
	$(PY) -m bench.worst_case $(WORST_ARGS)

.PHONY: gazetteer-dump gazetteer-refresh bench-build gazetteer-1m soak worst-case

BUF_VERSION := 1.75.0
BUF := build/buf/node_modules/.bin/buf
# What buf breaking compares with: main's proto before the HTTP/JSON annotations (make proto-lint BUF_AGAINST=...).
BUF_AGAINST ?= .git\#ref=5714b2c427078d901499a750ef68efe71b70deb5,subdir=proto

proto-lint: $(STAMP) ## buf lint and buf breaking (against BUF_AGAINST) on proto/, with buf from npm's @bufbuild/buf
	@command -v npm >/dev/null || { echo "proto-lint needs npm for @bufbuild/buf (apt-get install npm)" >&2; exit 1; }
	test -x $(BUF) || npm install --silent --no-audit --no-fund --prefix build/buf @bufbuild/buf@$(BUF_VERSION)
	rm -rf build/googleapis && mkdir -p build/googleapis/google/api
	cp "$(API_PROTOS)"/google/api/annotations.proto "$(API_PROTOS)"/google/api/http.proto build/googleapis/google/api/
	$(BUF) lint
	$(BUF) breaking proto --against '$(BUF_AGAINST)'

lint: $(GENERATED) proto-lint ## ruff lint and format check, mypy, yamllint on deploy/, and proto-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy gazetteer server client
	$(VENV)/bin/yamllint --strict deploy/ .yamllint.yaml

clean: ## Remove generated code, builds and the virtualenv
	rm -rf $(VENV) entitylinker build .native
