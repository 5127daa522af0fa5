# The two commands the README opens with:
#   make demo   install what pyparc needs, build it, and profile the bundled example
#   make test   run every test (Go and Python)

SHELL := /bin/bash
PYTHON ?= python3
GO ?= go
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gcc libisl-dev libgmp-dev

.PHONY: setup build demo test gotest pytest bench fuzz

setup:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi
	$(PYTHON) -m pip install -q -r requirements.txt
	$(MAKE) build

build:
	$(GO) build -o bin/pyparc ./cmd/pyparc

demo: setup
	cd testdata/programs/basic && ../../../bin/pyparc profile run --db ../../../.pyparc/profile.db \
		--pprof ../../../.pyparc/gemm.pb.gz gemm.py --n 40 --repeat 2
	bin/pyparc profile show --db .pyparc/profile.db

test: gotest pytest

gotest:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

pytest:
	$(PYTHON) -m pytest -q -p no:cacheprovider profiler/tracer testdata/programs/polybench

bench: build
	$(GO) run ./bench/overhead
