#!/usr/bin/env bash
# Issue 16's experiments, on cpu: MLP against conv VAE on MNIST, USPS and Fashion-MNIST (test loss,
# K=100 bound, digit-FID, parameters, epoch seconds); MLP against conv at latent 1 and 2 (manifold
# pictures side by side); the conv autoencoder against the MLP one (MSE and BCE). Prints one
# markdown table per experiment; runs land in runs/conv-experiments/. Long: hours on 2 cores at 10 epochs.
# A dataset that cannot be obtained (Fashion-MNIST offline) is skipped with the runner's reason.
#   docs/conv-experiments.sh [DATA_DIR] [EPOCHS] [EPOCHS_LATENT_AE] [K]
# K: importance samples of the bound (default 100; fewer cost proportionally less on a slow machine).
# RUNNER overrides the runner command (e.g. a copy of the build, so rebuilding meanwhile is safe).
# DATASETS (default "mnist usps fashion-mnist") picks the first table's datasets and EXPERIMENTS
# (default "vae latent ae") the tables, e.g. DATASETS=fashion-mnist EXPERIMENTS=vae for one row pair.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets}
epochs=${2:-10}
short_epochs=${3:-$epochs} # the latent-1/2 and autoencoder runs
k=${4:-100}
root=runs/conv-experiments
datasets=${DATASETS:-mnist usps fashion-mnist}
experiments=" ${EXPERIMENTS:-vae latent ae} "
runner=${RUNNER:-}
if [ -z "$runner" ]; then
  runner="dotnet src/VaeGpu.Runner/bin/Release/net10.0/VaeGpu.Runner.dll"
  dotnet build src/VaeGpu.Runner -c Release -v quiet >/dev/null
fi
mkdir -p "$root"

train() { # NAME EPOCHS ARGS...: trains once (skips a finished run)
  local name=$1 n=$2; shift 2
  [ -f "$root/$name/metrics.csv" ] && [ "$(tail -n +2 "$root/$name/metrics.csv" | wc -l)" -ge "$n" ] \
    || $runner "$@" --epochs "$n" --seed 1 --data-dir "$data" --out "$root/$name" --quiet
}
classifier() { # DATASET: the digit-FID classifier of a dataset, trained once; fails with the reason
  [ -f "$root/classifier-$1/classifier.json" ] ||
    $runner classifier --dataset "$1" --data-dir "$data" --out "$root/classifier-$1" --quiet 2>&1 >/dev/null
}
row() { # NAME: | name | test loss | bound | FID | params | epoch s |
  local dir=$root/$1 extra=()
  [ -n "${2:-}" ] && extra=(--classifier "$root/classifier-$2")
  $runner eval --run "$dir" --data-dir "$data" --importance-samples "$k" "${extra[@]}" >/dev/null
  python3 - "$dir" "$1" <<'PY'
import csv, json, os, struct, sys
d, name = sys.argv[1], sys.argv[2]
e = json.load(open(os.path.join(d, "eval.json")))
rows = list(csv.DictReader(open(os.path.join(d, "metrics.csv"))))
with open(os.path.join(d, "model.safetensors"), "rb") as f:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
params = sum(eval("*".join(map(str, v["shape"])) or "1") for k, v in header.items() if k != "__metadata__"
             and "running" not in k)
secs = sorted(float(r["epoch_seconds"]) for r in rows)[len(rows) // 2]
fid, bound = e.get("digit_fid"), e.get("nll_bound")  # an autoencoder has no bound
print(f"| {name} | {e['test_loss']:.2f} | {'' if bound is None else f'{bound:.2f}'} | "
      f"{'' if fid is None else f'{fid:.2f}'} | {params} | {secs:.1f} |")
PY
}

header() { # TITLE
  echo "## $1"
  echo "| run | test loss | K=$k bound | digit-FID | parameters | epoch s |"
  echo "|---|---|---|---|---|---|"
}

wants() { [[ $experiments == *" $1 "* ]]; } # EXPERIMENTS names this table

if wants vae; then
  header "MLP against conv VAE ($epochs epochs)"
  for ds in $datasets; do
    if ! reason=$(classifier "$ds"); then
      why="not in $data/$ds"
      case $reason in *"cannot connect"*) why="$why, and its download cannot connect (no network)";; esac
      echo "| vae-$ds-mlp, vae-$ds-conv | skipped: $why | | | | |"
      continue
    fi
    for arch in mlp conv; do
      train "vae-$ds-$arch" "$epochs" --dataset "$ds" --arch "$arch"
      row "vae-$ds-$arch" "$ds"
    done
  done
fi

if wants latent; then
  header "Latent 1 and 2 (manifold.png for latent 2; $short_epochs epochs)"
  for latent in 1 2; do
    for arch in mlp conv; do
      train "latent$latent-$arch" "$short_epochs" --arch "$arch" --latent "$latent"
      row "latent$latent-$arch" mnist
    done
  done
fi

if wants ae; then
  header "Autoencoders ($short_epochs epochs)"
  for recon in mse bce; do
    for arch in mlp conv; do
      train "ae-$recon-$arch" "$short_epochs" --model ae --recon "$recon" --arch "$arch"
      row "ae-$recon-$arch"
    done
  done
fi
