#!/usr/bin/env bash
# Issue 8, target 2: the default VAE's MNIST training epoch, VaeGpu (cpu) against PyTorch, same model,
# data, batch (128) and thread count, run one after the other in one go. Needs Debian's python3-torch
# (apt-get install python3-torch libopenblas0-pthread). OpenBLAS tuning variables are unset for both,
# and OpenBLAS gets its AVX2 or AVX-512 kernel where it misreads the CPU (openblas-core.sh).
#   benchmarks/peers/epoch-compare.sh [DATA_DIR] [EPOCHS] [THREADS] [ARCH] [LIMIT]
# ARCH mlp (default) or conv (issue 16's conv VAE on both sides; conv-epoch-compare.sh). LIMIT trains
# both on the first N images; both epoch times are then scaled to the full 60000.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/datasets}
epochs=${2:-3}
threads=${3:-2}
arch=${4:-mlp}
limit=()
[ -n "${5:-}" ] && limit=(--limit "$5")
py=/usr/bin/python3
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "skipped: $py has no torch (apt-get install python3-torch)" >&2
  exit 1
fi
source benchmarks/peers/openblas-core.sh
openblas_core "$py"
dotnet build src/VaeGpu.Runner -c Release -v quiet >/dev/null
out=$(mktemp -d)
dotnet src/VaeGpu.Runner/bin/Release/net10.0/VaeGpu.Runner.dll --epochs "$epochs" --threads "$threads" \
  --arch "$arch" "${limit[@]}" --data-dir "$data" --out "$out/run" --quiet
ours=$(tail -n +2 "$out/run/metrics.csv" | awk -F, '{print 60000 / $9}' | sort -g |
  awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
theirs=$("$py" benchmarks/peers/pytorch_vae.py --data-dir "$data" --epochs "$epochs" --threads "$threads" \
  --arch "$arch" "${limit[@]}" |
  tee >(cat >&2) | sed -n 's/.*median_train_seconds=\([0-9.]*\).*/\1/p')
rm -rf "$out"
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')
echo "median training epoch ($arch): vaegpu ${ours} s, pytorch ${theirs} s, ratio $ratio"
