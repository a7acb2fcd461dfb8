# mustard — `make help` lists the targets.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: libarchive and libyaml (linked through pkg-config) and the compressors the tests pack with;
# the tests also need the headless browser the HTML report is checked in (not needed to build or run mustard).
DEB_PACKAGES := libarchive-dev libyaml-dev zlib1g-dev liblzma-dev libsqlite3-dev libcurl4-openssl-dev pkg-config gzip xz-utils zstd bzip2 zip tar
TEST_PACKAGES := chromium python3-yaml zsh fish man-db python3-venv podman runc debootstrap
SAMPLE := Samples/stage-image-stuck.tar.gz

.PHONY: help deps test-deps build demo test samples golden docs screenshots hostile fuzz clean bench share install dist image validate-deploy

# Release builds link the Swift runtime and Foundation statically: the binary runs where no toolchain is installed
# and needs only the system libraries named in the README.
RELEASE := -c release --static-swift-stdlib
VERSION := $(shell sed -n 's/^public let mustardVersion = "\(.*\)"/\1/p' Sources/MustardKit/Analyzer.swift)
PREFIX ?= /usr/local
DESTDIR ?=
# The man page's date: the last commit's, so the same commit makes the same page.
MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null || echo 2026-01-01)
PLATFORM := $(shell uname -s | tr A-Z a-z)-$(shell uname -m)
DIST := mustard-$(VERSION)-$(PLATFORM)

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

# What the tests need besides: the headless browser the HTML report is checked in, PyYAML, whose emitter feeds the
# differential test of the fast YAML path, the shells and man the installed completions and page are tried in, and
# podman (with runc and debootstrap for a base image made from Debian's packages) the container image is tried in.
test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

build: deps ## Build the release binary (.build/release/mustard, Swift runtime linked in)
	$(SWIFT) build $(RELEASE) --product mustard

demo: build ## Analyse the bundled sample: a migration stuck on a bad stage image
	@echo "$$ mustard analyze $(SAMPLE)"
	@.build/release/mustard analyze $(SAMPLE); code=$$?; echo "(exit code $$code)"; [ $$code -le 1 ]

FUZZ_SECONDS ?= 60
test: test-deps ## Run the tests (Swift Testing), then the fuzzer briefly
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@# Rule files' examples: the shipped ones (embedded in the binary) and the test fixtures' (docs/rule-files.md).
	.build/debug/mustard rules test Sources/MustardUserRules/Shipped Tests/Fixtures/user-rules
	Scripts/test-dist.sh
	DIST_TARBALL=dist/$(DIST).tar.gz Scripts/test-container.sh
	Scripts/validate-deploy.sh
	MUSTARD=.build/debug/mustard Scripts/test-shard.sh
	MUSTARD=.build/debug/mustard Scripts/test-mcp.sh
	MUSTARD=.build/debug/mustard Scripts/test-omg-peer.sh
	Scripts/fuzz/run.sh 15

fuzz: deps ## Fuzz with libFuzzer and ASan: the ingestion path, the YAML reader, the log scanner (FUZZ_SECONDS=60 each)
	Scripts/fuzz/run.sh $(FUZZ_SECONDS)

samples: ## Re-pack Samples/*.tar.gz from their readable trees
	Scripts/pack-dump.sh Samples/stage-image-stuck Samples/stage-image-stuck.tar.gz
	Scripts/pack-dump.sh Samples/healthy-migration Samples/healthy-migration.tar.gz

golden: ## Rewrite Tests/Golden/ (every renderer's report of each sample) from the current build; review the diff
	$(SWIFT) build --build-tests
	MUSTARD_UPDATE_GOLDEN=1 $(SWIFT) test --skip-build --filter GoldenTests

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

bench: deps ## Benchmark mustard against bsdtar, gzip/xz and tar on generated and real dumps; writes docs/performance.md (SIZES="100M 1G 4G", SHAPES="logs small-files", BENCH_FAILING=0.025 for small-files, BENCH_SEED=42; the memory issue's run: SIZES="100M 1G 2G 4G 8G")
	@missing=""; for p in hyperfine libarchive-tools xz-utils gzip tar time; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	command -v pigz >/dev/null || { echo "installing: pigz (optional, faster .tar.gz generation)"; \
	  $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pigz || echo "pigz not installed: using gzip"; }
	$(SWIFT) build $(RELEASE) --product mustard
	python3 Scripts/bench/run.py --sizes "$(or $(SIZES),100M 1G 4G)" --shapes "$(or $(SHAPES),logs small-files)" --seed $(or $(BENCH_SEED),42) $(if $(BENCH_FAILING),--failing $(BENCH_FAILING))
	@# What 50 rule files add to the analysis of the 1 GB dump (docs/performance.md, "User rules").
	@case " $(or $(SIZES),100M 1G 4G) " in *" 1G "*) python3 Scripts/bench/user-rules.py --dump .build-bench/mg-1G-seed$(or $(BENCH_SEED),42).tar.gz;; esac
	@# First and repeated explore queries beside analyze and omg (docs/performance.md, "Explore verbs"): the 1 GB dumps
	@# when they were made, else the smallest, and the real dumps.
	@s=$(or $(BENCH_SEED),42); size=$$(case " $(or $(SIZES),100M 1G 4G) " in *" 1G "*) echo 1G;; *) echo $(firstword $(or $(SIZES),100M));; esac); \
	python3 Scripts/bench/explore.py --dump .build-bench/mg-$$size-seed$$s.tar.gz --dump .build-bench/mg-small-files-0.025-$$size-seed$$s.tar.gz

# The man page comes from the argument parser (its generate-manual plugin, over the debug build the tests use too);
# the completions from the binary itself.
share: build
	$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE) >/dev/null
	rm -rf .build/share && mkdir -p .build/share/man/man1 .build/share/completions
	cp .build/plugins/GenerateManual/outputs/mustard/mustard.1 .build/share/man/man1/mustard.1
	for shell in bash zsh fish; do .build/release/mustard --generate-completion-script $$shell > .build/share/completions/mustard.$$shell; done

install: share ## Install the binary, man page and bash/zsh/fish completions under PREFIX (default /usr/local; DESTDIR for staging)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 -s .build/release/mustard $(DESTDIR)$(PREFIX)/bin/mustard
	install -m 644 .build/share/man/man1/mustard.1 $(DESTDIR)$(PREFIX)/share/man/man1/mustard.1
	install -m 644 .build/share/completions/mustard.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mustard
	install -m 644 .build/share/completions/mustard.zsh $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mustard
	install -m 644 .build/share/completions/mustard.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mustard.fish

dist: ## A versioned tarball of what `make install` installs, with its SHA-256 sum, in dist/
	rm -rf .build/dist && mkdir -p dist
	$(MAKE) --no-print-directory install PREFIX=/ DESTDIR=$(CURDIR)/.build/dist/$(DIST)
	cp README.md .build/dist/$(DIST)/README.md
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=$(MAN_DATE) -C .build/dist -czf dist/$(DIST).tar.gz $(DIST)
	cd dist && sha256sum $(DIST).tar.gz > $(DIST).tar.gz.sha256
	@echo "dist/$(DIST).tar.gz"; cat dist/$(DIST).tar.gz.sha256

PODMAN ?= podman
IMAGE_BASE ?= docker.io/library/debian:bookworm-slim
image: dist ## Build the container image mustard:VERSION from make dist's tarball (IMAGE_BASE=…, PODMAN=…; see deploy/README.md)
	$(PODMAN) build -f deploy/Containerfile --build-arg BASE=$(IMAGE_BASE) --build-arg DIST_TARBALL=dist/$(DIST).tar.gz -t mustard:$(VERSION) -t mustard .

validate-deploy: ## Validate the Kubernetes manifests in deploy/kubernetes offline (kubernetes-validate from PyPI)
	Scripts/validate-deploy.sh

clean: ## Remove build output
	rm -rf .build
