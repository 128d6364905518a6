#!/usr/bin/env bash
# The comparison the report could not make: VAE, CVAE, conv VAE, GAN, LSGAN, DCGAN and cGAN on MNIST,
# 10 epochs each, seed 1, every one scored by `eval` with the same yardsticks (digit-FID, digit-KID,
# the rarest class of the samples, conditional accuracy where it applies), plus parameters (batch-norm
# running statistics are buffers, not parameters, as in PyTorch) and the median epoch time; prints a
# Markdown table and copies one sample grid per model to docs/images/compare-<folder>.png. The conv
# VAE is `--model vae --arch conv` in the folder convvae. Extra options go to every training run;
# with `--dataset fashion-mnist` (or usps) the same table is made for that dataset, its pictures named
# compare-<dataset>-<folder>.png. Trains the dataset's classifier (`VaeGpu.Runner classifier`) into
# its default folder when that has none. Usage: docs/gan-comparison.sh [runs-folder] [extra options]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/gan-comparison}
shift || true
dataset=mnist
data=()
previous=
for option in "$@"; do # the dataset and data folder the extra options name, for the classifier
    case $previous in
        --dataset) dataset=$option ;;
        --data-dir) data=(--data-dir "$option") ;;
    esac
    previous=$option
done
prefix=compare-
[ "$dataset" = mnist ] || prefix=compare-$dataset-
runner=(dotnet run -c Release --project src/VaeGpu.Runner --)
mkdir -p "$out" docs/images
classifiers=${VAEGPU_CLASSIFIERS:-$HOME/.cache/vaegpu/classifiers}
if [ ! -f "$classifiers/$dataset/classifier.json" ]; then
    "${runner[@]}" classifier --dataset "$dataset" "${data[@]}" --quiet
fi
models=(vae cvae convvae gan lsgan dcgan cgan)
for folder in "${models[@]}"; do
    case $folder in
        convvae) options=(--model vae --arch conv) ;;
        *) options=(--model "$folder") ;;
    esac
    if [ ! -f "$out/$folder/model.safetensors" ]; then
        "${runner[@]}" "${options[@]}" --epochs 10 --seed 1 --out "$out/$folder" --quiet "$@"
    fi
    "${runner[@]}" eval --run "$out/$folder" --importance-samples 1 --quiet
    cp "$out/$folder/samples.png" "docs/images/$prefix$folder.png"
done
python3 - "$out" "${models[@]}" <<'PY'
import csv, json, math, statistics, struct, sys, os
out, models = sys.argv[1], sys.argv[2:]
print("| model | digit-FID (floor) | digit-KID +- std (floor) | rarest class (ratio) | cond. accuracy "
      "| parameters | epoch s |")
print("|---|---:|---:|---:|---:|---:|---:|")
for model in models:
    run = os.path.join(out, model)
    e = json.load(open(os.path.join(run, "eval.json")))
    with open(os.path.join(run, "model.safetensors"), "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    params = sum(math.prod(v["shape"]) for k, v in header.items()
                 if k != "__metadata__" and not k.endswith((".running_mean", ".running_var")))
    metrics = csv.DictReader(open(os.path.join(run, "metrics.csv")))
    seconds = statistics.median(float(r["epoch_seconds"]) for r in metrics)
    acc = e.get("conditional_accuracy")
    rarest = f"{e['rarest_class']} ({e['rarest_class_ratio']:.2f})"
    kid = f"{e['digit_kid']:.4f} +- {e['digit_kid_std']:.4f} ({e['kid_floor']:.4f})"
    print(f"| {model} | {e['digit_fid']:.1f} ({e['fid_floor']:.2f}) | {kid} | {rarest} | "
          f"{'-' if acc is None else f'{acc:.3f}'} | {params:,} | {seconds:.1f} |")
PY
