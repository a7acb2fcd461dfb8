# mustard — `make help` lists the targets.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: libarchive and libyaml (linked through pkg-config) and the compressors the tests pack with;
# the tests also need the headless browser the HTML report is checked in (not needed to build or run mustard).
DEB_PACKAGES := libarchive-dev libyaml-dev zlib1g-dev liblzma-dev pkg-config gzip xz-utils zstd bzip2 zip tar
TEST_PACKAGES := chromium python3-yaml
SAMPLE := Samples/stage-image-stuck.tar.gz

.PHONY: help deps test-deps build demo test samples docs screenshots hostile fuzz clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## Install the Debian packages mustard needs, when missing
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@# The SARIF test validates against the official schema with Python's jsonschema.
	@python3 -c 'import jsonschema' 2>/dev/null || { echo "installing: jsonschema (Python)"; \
	  python3 -m pip install --quiet jsonschema 2>/dev/null || python3 -m pip install --quiet --user --break-system-packages jsonschema \
	  || $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jsonschema; }

# What the tests need besides: the headless browser the HTML report is checked in, and PyYAML, whose emitter
# feeds the differential test of the fast YAML path.
test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

build: deps ## Build the release binary (.build/release/mustard)
	$(SWIFT) build -c release --product mustard

demo: build ## Analyse the bundled sample: a migration stuck on a bad stage image
	@echo "$$ mustard analyze $(SAMPLE)"
	@.build/release/mustard analyze $(SAMPLE); code=$$?; echo "(exit code $$code)"; [ $$code -le 1 ]

FUZZ_SECONDS ?= 60
test: test-deps ## Run the tests (Swift Testing), then the fuzzer briefly
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Scripts/fuzz/run.sh 20

fuzz: deps ## Fuzz the ingestion path with libFuzzer and ASan (FUZZ_SECONDS=60)
	Scripts/fuzz/run.sh $(FUZZ_SECONDS)

samples: ## Re-pack Samples/*.tar.gz from their readable trees
	Scripts/pack-dump.sh Samples/stage-image-stuck Samples/stage-image-stuck.tar.gz
	Scripts/pack-dump.sh Samples/healthy-migration Samples/healthy-migration.tar.gz

docs: ## Regenerate docs/rules.md from the rules' descriptions
	$(SWIFT) build --product mustard
	.build/debug/mustard rules docs -o docs/rules.md

# The binary that renders the pages (the one `swift build` makes, unless given).
MUSTARD ?= .build/debug/mustard
screenshots: test-deps ## Screenshots of the samples' HTML reports in headless Chromium, light and dark (docs/report-*.png)
	$(SWIFT) build --product mustard
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for s in stage-image-stuck healthy-migration; do \
	  $(MUSTARD) analyze Samples/$$s.tar.gz -f html -o $$tmp/$$s.html || [ $$? -eq 1 ]; done; \
	python3 Scripts/html-browser.py $$tmp/stage-image-stuck.html --height 1500 \
	  --screenshot docs/report-stage-image-stuck.png --dark-screenshot docs/report-stage-image-stuck-dark.png >/dev/null; \
	python3 Scripts/html-browser.py $$tmp/healthy-migration.html \
	  --screenshot docs/report-healthy-migration.png >/dev/null; \
	ls -l docs/report-*.png

hostile: ## Write the hostile corpus to Tests/Fixtures/Hostile for a look by hand (the tests make their own)
	python3 Scripts/make-hostile-corpus.py Tests/Fixtures/Hostile.tmp && cp Tests/Fixtures/Hostile/README.md Tests/Fixtures/Hostile.tmp/ \
	  && rm -rf Tests/Fixtures/Hostile && mv Tests/Fixtures/Hostile.tmp Tests/Fixtures/Hostile

bench: deps ## Benchmark mustard against bsdtar, gzip/xz and tar on generated and real dumps; writes docs/performance.md (SIZES="100M 1G 4G", BENCH_SEED=42)
	@missing=""; for p in hyperfine libarchive-tools xz-utils gzip tar time; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	command -v pigz >/dev/null || { echo "installing: pigz (optional, faster .tar.gz generation)"; \
	  $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pigz || echo "pigz not installed: using gzip"; }
	$(SWIFT) build -c release --product mustard
	python3 Scripts/bench/run.py --sizes "$(or $(SIZES),100M 1G 4G)" --seed $(or $(BENCH_SEED),42)

clean: ## Remove build output
	rm -rf .build
