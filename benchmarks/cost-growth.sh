#!/usr/bin/env bash
# Issue 8, target 5: how the default VAE's MNIST training epoch grows with batch size and hidden size,
# on cpu. One epoch per configuration; training time = 60000 / samples_per_second (test evaluation and
# pictures excluded). FLOPs per epoch are nominal: 2 x 3 x the forward multiply-adds per image
# (forward, weight gradients, input gradients) x 60,000 images; elementwise work is not counted.
#   benchmarks/cost-growth.sh [DATA_DIR] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets}
threads=${2:-2}
dotnet build src/VaeGpu.Runner -c Release -v quiet >/dev/null
runner=src/VaeGpu.Runner/bin/Release/net10.0/VaeGpu.Runner.dll
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
row() { # batch hidden
  dotnet "$runner" --epochs 1 --batch-size "$1" --encoder "$2" --decoder "$2" --threads "$threads" \
    --data-dir "$data" --out "$out/b$1-h$2" --quiet >/dev/null
  tail -n 1 "$out/b$1-h$2/metrics.csv" | awk -F, -v b="$1" -v h="$2" '{
    macs = 784 * h + 2 * h * 20 + 20 * h + h * 784
    gflop = 6 * macs * 60000 / 1e9
    seconds = 60000 / $9
    printf "| %d | %d | %.2f | %.1f | %.1f | %.2f |\n", b, h, seconds, gflop, gflop / seconds, $5
  }'
}
echo "| batch | hidden | train seconds / epoch | GFLOP / epoch | GFLOP/s | test loss after 1 epoch |"
echo "|---:|---:|---:|---:|---:|---:|"
for b in 32 64 128 256 512 1024; do row "$b" 400; done
for h in 100 1000 2000; do row 128 "$h"; done
