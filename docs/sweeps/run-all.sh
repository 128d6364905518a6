#!/usr/bin/env bash
# The sweeps behind the README's experiment tables, in the order the README shows them. Each sweep
# writes runs/sweeps/NAME/ (one folder per run, compare.csv, compare.html, compare-*.svg); rerunning
# the script resumes where it stopped. The README's tables are copied from the compare.csv files, and
# docs/sweeps/NAME/ keeps those files and the curves. Usage: docs/sweeps/run-all.sh [runner command]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNNER=${1:-"dotnet run --project src/VaeGpu.Runner -c Release --"}
OUT=runs/sweeps

sweep() { local name=$1; shift; echo "== $name: $*"; $RUNNER sweep --out "$OUT/$name" "$@"; }

sweep vae-vs-cvae-mnist --grid "model=vae,cvae" --epochs 10
sweep vae-vs-cvae-usps --dataset usps --grid "model=vae,cvae" --epochs 30
sweep latent --grid "latent=1,2,3,20" --epochs 10
sweep hidden --grid "hidden=100,400,1000,2000" --epochs 10
sweep encoder-depth --grid "encoder-depth=1,2,3" --epochs 10
sweep beta --grid "beta=0.1,0.5,1,2,4" --epochs 10
sweep optimizer --grid "optimizer=adam,rmsprop,adagrad,sgd;lr=1e-3,1e-2" --epochs 10
sweep batch-lr --grid "batch=64,128,256,512;lr=1e-4,1e-3,1e-2" --epochs 10
sweep gan-usps --dataset usps --grid "model=vae,cvae,gan,lsgan,cgan,dcgan" --epochs 30

mkdir -p docs/sweeps
for dir in "$OUT"/*/; do
    name=$(basename "$dir")
    mkdir -p "docs/sweeps/$name"
    cp "$dir"/compare.csv "$dir"/compare-*.svg "docs/sweeps/$name/"
done
