# Developer workflow (see README, "Developer workflow"). Everything builds in release mode: numeric
# Swift is very slow in debug. `make test-fast` is the everyday loop; CI (`.ci/run`) runs `lint`,
# `test` with warnings as errors, and `portable-test`.

SWIFT    ?= swift
PREFIX   ?= /usr/local
# Extra arguments for `make bench`, e.g. BENCH_ARGS="--cases top_C8N1 --batches 64 --json".
BENCH_ARGS ?=
RELEASE  := -c release -Xswiftc -enable-testing
PORTABLE_SCRATCH := .build-portable
DOCS_DIR := .build/docs

# The slow tier, skipped by `test-fast` (about 90 of the suite's ~140 s of test time, measured
# with `swift test -c release -Xswiftc -enable-testing --skip-build` on the 2-core machine): the
# CLI end-to-end tests (subprocesses that train, kill and resume searches; 27 s), real training
# runs (TrainingTests.TrainingTests, NetworkRedundancyTests, PruningWeightsTests; 45 s), the
# 10,000-candidate report (16 s) and the large gzip round trip (3.5 s). Each entry is a
# `swift test --skip` regular expression over `Target.Class/test`.
SLOW_TESTS := \
	'CLITests\.' \
	'TrainingTests\.TrainingTests/' \
	'NetworkRedundancyTests/' \
	'PruningWeightsTests/' \
	'ReportPageTests/testTenThousandCandidatesStayReadableAndSmall' \
	'IDXReaderTests/testLargeGzipRoundTripsAcrossManyChunks'
SKIP_SLOW := $(foreach t,$(SLOW_TESTS),--skip $(t))

.PHONY: help build test-fast test lint format bench docs portable-build portable-test install ci

help:
	@echo "make build            release build of the package and its tests (what make test runs)"
	@echo "make test-fast        release build + the quick unit tier (skips: $(SLOW_TESTS))"
	@echo "make test             the full suite, exactly the README's test command"
	@echo "make lint             swift format lint --strict with .swift-format (rules only, see README)"
	@echo "make format FILES=…   swift format --in-place on the given files only (never the whole tree)"
	@echo "make bench            rednas bench \$$BENCH_ARGS (release build without -enable-testing)"
	@echo "make docs             DocC archives of TensorEngine and Search in $(DOCS_DIR)"
	@echo "make portable-test    REDNAS_PORTABLE=1 build + full suite in $(PORTABLE_SCRATCH)"
	@echo "make install          rednas into \$$PREFIX/bin (PREFIX=$(PREFIX))"
	@echo "make ci               the CI script, .ci/run"

# `swift test list` builds exactly what `swift test` builds, with the same parameters: alternating
# `swift build --build-tests` and `swift test` recompiles every module each time (measured with
# SwiftPM 6.3), so every target here builds through `swift test`.
build:
	$(SWIFT) test list $(RELEASE) > /dev/null

test-fast:
	$(SWIFT) test $(RELEASE) $(SKIP_SLOW)

test:
	$(SWIFT) test $(RELEASE)

# --debug-disable-pretty-print: check the rules only. The pretty printer's whitespace findings
# (indentation of continuation lines, line breaks, line length) would need a reformat of the
# whole tree; the house style aligns continuation lines, which swift-format does not reproduce.
# The second pass: the same rules plus AllPublicDeclarationsHaveDocumentation, on the library
# modules whose public API is fully documented.
DOCUMENTED_MODULES := CellSpace ConfigKit Datasets Evolution Networks NeuralNet Persistence Randomness Redundancy Statistics TensorEngine
lint:
	$(SWIFT) format lint --strict --debug-disable-pretty-print --configuration .swift-format \
		--recursive Sources Tests Benchmarks Package.swift
	$(SWIFT) format lint --strict --debug-disable-pretty-print \
		--configuration "$$(sed 's/"AllPublicDeclarationsHaveDocumentation" *: *false/"AllPublicDeclarationsHaveDocumentation": true/' .swift-format)" \
		--recursive $(addprefix Sources/,$(DOCUMENTED_MODULES))

format:
	@test -n "$(FILES)" || { echo "usage: make format FILES='path.swift …' (new or wholly rewritten files only)" >&2; exit 2; }
	$(SWIFT) format --in-place --configuration .swift-format $(FILES)

bench:
	$(SWIFT) build -c release --product rednas
	.build/release/rednas bench $(BENCH_ARGS)

# DocC without the swift-docc-plugin: symbol graphs of the release test build's modules, then
# `docc convert` of each catalog. Open the archives with `docc preview` or serve them statically.
DOC_MODULES := TensorEngine Search
docs: build
	rm -rf $(DOCS_DIR) && mkdir -p $(DOCS_DIR)/symbol-graphs
	@set -e; bin="$$($(SWIFT) build $(RELEASE) --show-bin-path)"; \
	triple="$$($(SWIFT) -print-target-info | sed -n 's/.*"triple": "\(.*\)".*/\1/p' | head -1)"; \
	for m in $(DOC_MODULES); do \
		mkdir -p $(DOCS_DIR)/symbol-graphs/$$m; \
		$(SWIFT) symbolgraph-extract -module-name $$m -target "$$triple" -minimum-access-level public \
			-I "$$bin/Modules" $$(for d in $$(find Sources .build/checkouts -name module.modulemap -exec dirname {} \;); do printf -- '-I %s ' "$$d"; done) \
			$$(for f in $$(pkg-config --cflags openblas); do printf -- '-Xcc %s ' "$$f"; done) \
			-output-dir $(DOCS_DIR)/symbol-graphs/$$m; \
		docc convert Sources/$$m/$$m.docc --fallback-display-name $$m --fallback-bundle-identifier org.rednas.$$m \
			--additional-symbol-graph-dir $(DOCS_DIR)/symbol-graphs/$$m --output-path $(DOCS_DIR)/$$m.doccarchive \
			--warnings-as-errors; \
	done
	@echo "docs: $(foreach m,$(DOC_MODULES),$(DOCS_DIR)/$(m).doccarchive)"

portable-build:
	REDNAS_PORTABLE=1 $(SWIFT) test list $(RELEASE) --scratch-path $(PORTABLE_SCRATCH) --manifest-cache none > /dev/null

portable-test:
	REDNAS_PORTABLE=1 $(SWIFT) test $(RELEASE) --scratch-path $(PORTABLE_SCRATCH) --manifest-cache none

install:
	$(SWIFT) build -c release --product rednas
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 .build/release/rednas $(DESTDIR)$(PREFIX)/bin/rednas

ci:
	bash .ci/run
