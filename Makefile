# RTX — the two commands a newcomer needs:
#   make run    install what is missing, build the host and the plugins, run
#   make test   build everything and run every test
# Helpers: make deps | host | plugins | check | bench | clean

SHELL := /bin/bash
.DEFAULT_GOAL := run

SWIFT        ?= swift
CC           ?= cc
BUILD        := .build
PLUGIN_DIR   := $(BUILD)/plugins
STATE_DIR    ?= .rtx
RTX          := $(BUILD)/debug/rtx

# System packages the project uses (Debian names). Later issues add to this list.
# chromium and fonts-dejavu-core: the trader page's test drives headless Chromium (TraderPageTests).
DEBIAN_PACKAGES := build-essential pkg-config libyaml-dev libpq-dev libhiredis-dev libquickfix-dev \
                   postgresql redis-server python3-venv chromium fonts-dejavu-core

# The SDK's C examples, each built by one cc line (see sdk/README.md).
EXAMPLES      := synthetic_lp b_book_routing flat_commission
PLUGIN_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -pedantic -shared -fPIC -fvisibility=hidden -I sdk/include
EXAMPLE_LIBS  := $(EXAMPLES:%=$(PLUGIN_DIR)/lib%.so)

# The SDK's Swift examples, each its own package built into one .so.
SWIFT_EXAMPLES     := SwiftRandomWalkLP SwiftVolumeRouting SwiftTieredCommission
SWIFT_EXAMPLE_LIBS := $(SWIFT_EXAMPLES:%=$(PLUGIN_DIR)/lib%.so)
SWIFT_SDK_SOURCES  := sdk/Package.swift $(shell find sdk/Sources sdk/include -type f 2>/dev/null)

# The plugins RTX ships (Plugins/NAME/NAME.c), built like the examples.
SHIPPED       := group_routing
SHIPPED_LIBS  := $(SHIPPED:%=$(PLUGIN_DIR)/lib%.so)

# schemathesis (PyPI), pinned, in a virtual environment of the build (`make schemathesis`):
# the API fuzz test runs it against /openapi.json.
SCHEMATHESIS_VERSION := 4.32.5
PY_VENV              := .build-py/venv
SCHEMATHESIS         := $(PY_VENV)/bin/schemathesis

.PHONY: schemathesis run test test-long deps host plugins check check-guide-plugin test-sanitizers test-tsan test-asan bench clean

## deps: install the Debian packages that are missing (apt-get update once, then install -y).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $$missing; \
	fi

## host: build the rtx host (debug).
host: deps
	$(SWIFT) build --product rtx

## plugins: build every SDK example plugin, C and Swift, into .build/plugins.
plugins: $(EXAMPLE_LIBS) $(SWIFT_EXAMPLE_LIBS) $(SHIPPED_LIBS)

# A shipped plugin lives in Plugins/NAME/NAME.c (the stem appears twice, so second expansion).
.SECONDEXPANSION:
$(SHIPPED_LIBS): $(PLUGIN_DIR)/lib%.so: Plugins/$$*/$$*.c $(wildcard sdk/include/rtx/*.h) | $(PLUGIN_DIR)
	$(CC) $(PLUGIN_CFLAGS) -o $@ $< -lpthread
	@chmod 755 $@

$(PLUGIN_DIR)/lib%.so: sdk/examples/%.c $(wildcard sdk/include/rtx/*.h) | $(PLUGIN_DIR)
	$(CC) $(PLUGIN_CFLAGS) -o $@ $< -lpthread
	@chmod 755 $@

# `install` replaces the file (new inode) instead of writing into one a process may have mapped.
$(PLUGIN_DIR)/lib%.so: sdk/examples/swift/%/Package.swift $(SWIFT_SDK_SOURCES) $(shell find sdk/examples/swift -type f -name '*.swift' 2>/dev/null) | $(PLUGIN_DIR)
	$(SWIFT) build -c release --package-path sdk/examples/swift/$* --scratch-path $(BUILD)/swift-plugins/$*
	install -m 755 $(BUILD)/swift-plugins/$*/release/lib$*.so $@

# The load guard refuses libraries in group- or other-writable folders.
$(PLUGIN_DIR):
	@mkdir -p $@ && chmod go-w $(BUILD) $@

## check: load every plugin of plugins.yaml as the engine would.
check: host plugins
	$(RTX) plugins check plugins.yaml --state-dir $(STATE_DIR)

## run: check the plugins, then run the engine (rtx.yaml: private PostgreSQL and Redis, the
## synthetic LPs, demo accounts); it prints where to look. Ctrl-C stops; RUN_SECONDS=N stops after N s.
run: check
	$(RTX) run --config rtx.yaml $${RUN_SECONDS:+--seconds $$RUN_SECONDS}

## schemathesis: install the pinned schemathesis from PyPI into .build-py/venv (once).
schemathesis: $(SCHEMATHESIS)
$(SCHEMATHESIS): | deps
	rm -rf $(PY_VENV)
	python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION)
	@test -x $@

## test: build the host, the plugins and the tests; run them; check the manifests with the CLI.
test: deps plugins schemathesis
	$(SWIFT) build --build-tests
	$(SWIFT) build --product rtx
	$(SWIFT) test
	$(RTX) plugins check plugins.yaml --state-dir $(BUILD)/test-state
	$(RTX) plugins stream plugins.yaml --state-dir $(BUILD)/test-state --seconds 2 --print-every 4
	$(MAKE) --no-print-directory check-guide-plugin
	$(MAKE) --no-print-directory test-release
	$(MAKE) --no-print-directory test-sanitizers

## test-release: the engine in a release build (-O changes what the optimizer may assume about
## threads: a bug of that kind once made every wait sit out its time-out): a short engine-orders
## run with every answer checked and the recovered state hash compared; sizes small, not a benchmark.
test-release: deps plugins
	$(SWIFT) build -c release --product rtx-bench
	RTX_BENCH_ORDERS=5000 RTX_BENCH_WARMUP_ORDERS=1000 RTX_BENCH_PACED_ORDERS=2000 RTX_BENCH_CLOSED_LOOP_ORDERS=200 \
	  RTX_BENCH_RECOVERY_INPUTS=20000 RTX_BENCH_BASELINE_MS=200 $(BUILD)/release/rtx-bench engine-orders

## test-long: the core's property tests over 200,000 generated sequences (make test runs 10,000).
test-long: deps
	RTX_PROPERTY_SEQUENCES=$${RTX_PROPERTY_SEQUENCES:-200000} $(SWIFT) test --filter PropertyTests

## test-sanitizers: the concurrency tests (hot swap under load, plugin threads, the quote
## ring, faults, the Redis writer, the pipeline with a full queue) under ThreadSanitizer and AddressSanitizer.
SANITIZED_TESTS := HotSwapTests|ReplyCallbackTests|BoundedMPSCRingTests|PluginFaultTests|PluginKindTests|QuoteValidationTests|MixedLanguageTests|QuoteCacheWriterTests|PipelineIntegrationTests
test-sanitizers: test-tsan test-asan

test-tsan: deps
	$(SWIFT) build --sanitize=thread --scratch-path $(BUILD)-tsan --product rtxPackageTests
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --sanitize=thread --scratch-path $(BUILD)-tsan --filter '$(SANITIZED_TESTS)'

test-asan: deps
	$(SWIFT) build --sanitize=address --scratch-path $(BUILD)-asan --product rtxPackageTests
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp ASAN_OPTIONS=halt_on_error=1 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path $(BUILD)-asan --filter '$(SANITIZED_TESTS)'

# The first C block of sdk/README.md is a complete routing plugin: build it with the guide's
# one cc line and load it with `rtx plugins check`.
GUIDE_DIR := $(BUILD)/guide-plugin
check-guide-plugin:
	@mkdir -p $(GUIDE_DIR) && chmod go-w $(BUILD) $(GUIDE_DIR)
	@awk '/^```c$$/{on=1; next} on && /^```$$/{exit} on{print}' sdk/README.md > $(GUIDE_DIR)/big_to_a_book.c
	@echo "guide plugin: $$(wc -l < $(GUIDE_DIR)/big_to_a_book.c) lines"
	cc -std=c11 -shared -fPIC -fvisibility=hidden -I sdk/include -o $(GUIDE_DIR)/libbig_to_a_book.so $(GUIDE_DIR)/big_to_a_book.c
	@printf 'version: 1\nplugins:\n  - id: big-to-a-book\n    kind: routing-policy\n    path: libbig_to_a_book.so\n    config:\n      threshold_lots: 1\n      lp: synthetic\n' > $(GUIDE_DIR)/plugins.yaml
	$(RTX) plugins check $(GUIDE_DIR)/plugins.yaml --state-dir $(BUILD)/test-state

## bench: run every benchmark (release build); bench-NAME runs one (plugin-call, quote-ingest, core-orders, core-quotes, core-risk, engine-orders, projector-lag, quote-pipeline, api-orders, api-fanout).
BENCHES := plugin-call quote-ingest core-orders core-quotes core-risk engine-orders projector-lag quote-pipeline api-orders api-fanout
bench: $(BENCHES:%=bench-%)

bench-%: deps plugins $(PLUGIN_DIR)/libburst_lp.so
	$(SWIFT) build -c release --product rtx-bench
	$(BUILD)/release/rtx-bench $* --plugins $(PLUGIN_DIR)

# The benchmark's LP: pushes quotes as fast as it can (a test fixture).
$(PLUGIN_DIR)/libburst_lp.so: Tests/Fixtures/plugins/burst_lp.c $(wildcard sdk/include/rtx/*.h) | $(PLUGIN_DIR)
	$(CC) $(PLUGIN_CFLAGS) -o $@ $< -lpthread
	@chmod 755 $@

clean:
	rm -rf $(BUILD) $(BUILD)-tsan $(BUILD)-asan $(STATE_DIR)
