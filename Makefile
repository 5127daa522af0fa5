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
	rm -rf .pyparc/demo && mkdir -p .pyparc/demo
	cd testdata/programs/polybench && P=../../../bin/pyparc D=../../../.pyparc/demo && \
	$$P profile run --db $$D/profile.db jacobi_2d.py --size mini $$D/mini.npz && \
	$$P profile show --db $$D/profile.db --top 5 && \
	$$P hints --db $$D/profile.db jacobi_2d.py && \
	$$P explain --db $$D/profile.db jacobi_2d.py:kernel_jacobi_2d | grep -A8 'loops:' && \
	$$P emit --db $$D/profile.db -o $$D/out jacobi_2d.py && \
	echo "original:" && time $(PYTHON) jacobi_2d.py --size medium $$D/orig.npz && \
	echo "emitted, first run (compiles its Numba code into the on-disk cache):" && \
	time $(PYTHON) $$D/out/jacobi_2d.py --size medium $$D/fast.npz && \
	echo "emitted:" && time $(PYTHON) $$D/out/jacobi_2d.py --size medium $$D/fast.npz && \
	$(PYTHON) -c "import numpy as np, sys; a, b = np.load('$$D/orig.npz'), np.load('$$D/fast.npz'); \
	ok = all(np.allclose(a[k], b[k], rtol=1e-9) for k in a.files); print('outputs match' if ok else 'OUTPUTS DIFFER'); sys.exit(0 if ok else 1)"

test: gotest pytest

gotest:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 25m ./...

pytest:
	$(PYTHON) -m pytest -q -p no:cacheprovider profiler/tracer testdata/programs/polybench testdata/programs/stap testdata/programs/numpy_style emit/runtime testdata/ray

bench: build
	$(GO) run ./bench/overhead

# A long differential-fuzzing campaign: make fuzz N=10000
fuzz:
	$(GO) run ./difffuzz/cmd/pyparc-fuzz -n $(or $(N),10000)
