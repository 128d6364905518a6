#!/usr/bin/env bash
# Issue 17: a GAN training epoch (the issue's `gan` or `dcgan`), VaeGpu (cpu) against PyTorch 1.13, same
# networks, losses, data, batch (128) and thread count, run one after the other in one go. LIMIT trains
# both on the first LIMIT MNIST images (a shorter epoch; its time per image is what compares). Needs
# Debian's python3-torch; OpenBLAS tuning variables are unset for both (OpenBLAS gets its AVX2 or
# AVX-512 kernel where it misreads the CPU: openblas-core.sh), and PyTorch runs with OpenMP's PASSIVE
# wait policy (its best case on this machine; see pytorch_gan.py) unless OMP=default. Both freeze D
# during G's update (equal work); FREEZE_D=no has PyTorch compute and discard D's gradients there, as
# the tutorials' loop does. ROUNDS=R (default 1) runs the pair R times, alternating the two
# sides, and prints each round's ratio and their median: this machine's speed drifts by a quarter within
# minutes, so one pair alone can land on either side of a goal.
#   benchmarks/peers/gan-epoch-compare.sh [MODEL=gan] [DATA_DIR] [EPOCHS=2] [THREADS=2] [LIMIT=all]
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-gan}
data=${2:-../shared/datasets}
epochs=${3:-2}
threads=${4:-2}
limit=${5:-}
omp=${OMP:-passive}
rounds=${ROUNDS:-1}
freeze=()
[[ "${FREEZE_D:-yes}" == no ]] && freeze=(--no-freeze-d)
py=/usr/bin/python3
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "skipped: $py has no torch (apt-get install python3-torch)" >&2
  exit 1
fi
source benchmarks/peers/openblas-core.sh
openblas_core "$py"
limit_args=()
[[ -n "$limit" ]] && limit_args=(--limit "$limit")
dotnet build src/VaeGpu.Runner -c Release -v quiet >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the median as Python's statistics.median takes it (the mean of the middle two for an even count)
median() {
  sort -g | awk '{v[NR] = $1} END {m = int((NR + 1) / 2); print (NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2)}'
}
ratios=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$out/run"
  echo "load before: $(uptime)"
  dotnet src/VaeGpu.Runner/bin/Release/net10.0/VaeGpu.Runner.dll --model "$model" --epochs "$epochs" \
    --threads "$threads" "${limit_args[@]}" --data-dir "$data" --out "$out/run" --quiet
  # metrics.csv: epoch,d_loss,g_loss,d_real,d_fake,epoch_seconds,samples_per_second
  tail -n +2 "$out/run/metrics.csv" |
    awk -F, '{printf "vaegpu epoch %d train_seconds=%.3f d_loss=%.4f g_loss=%.4f\n", $1, $6, $2, $3}'
  ours=$(tail -n +2 "$out/run/metrics.csv" | cut -d, -f6 | median)
  echo "load between: $(uptime)"
  "$py" benchmarks/peers/pytorch_gan.py --model "$model" --data-dir "$data" --epochs "$epochs" \
    --threads "$threads" --omp "$omp" "${freeze[@]}" "${limit_args[@]}" | tee "$out/pytorch.txt"
  theirs=$(sed -n 's/.*median_train_seconds=\([0-9.]*\).*/\1/p' "$out/pytorch.txt")
  echo "load after: $(uptime)"
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  echo "median $model training epoch (${limit:-all} images): vaegpu ${ours} s, pytorch ${theirs} s," \
    "ratio $ratio"
done
if ((rounds > 1)); then
  echo "$model ratios over $rounds rounds: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | median)"
fi
