#!/usr/bin/env bash
# Emits every PolyBench kernel into gpu_run/emitted (profiled at MINI and SMALL), for
# bench/gpu/run.py on the GPU machine. Run from the repository root after `make build`.
set -euo pipefail
rm -rf gpu_run && mkdir -p gpu_run/emitted
for k in testdata/programs/polybench/*.py; do
  b=$(basename "$k" .py)
  case $b in reference|test_*) continue ;; esac
  for sz in mini small; do
    bin/pyparc profile run --db gpu_run/p.db "$k" --size $sz gpu_run/out.npz >/dev/null
  done
  bin/pyparc emit --db gpu_run/p.db -o "gpu_run/emitted/$b" "$k" >/dev/null
done
rm -f gpu_run/p.db* gpu_run/out.npz
echo "emitted $(ls gpu_run/emitted | wc -l) programs into gpu_run/emitted"
