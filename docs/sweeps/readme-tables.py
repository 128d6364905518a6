#!/usr/bin/env python3
"""Prints the README's sweep tables (markdown) from the compare.csv files that docs/sweeps/run-all.sh
leaves in runs/sweeps/NAME/ (or in docs/sweeps/NAME/, its copies), in the order the README shows them.
    python3 docs/sweeps/readme-tables.py [FOLDER=runs/sweeps]
"""
import csv
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else "runs/sweeps"
# sweep name, its keys as the table's first columns
SWEEPS = [
    ("vae-vs-cvae-mnist", ["model"]),
    ("vae-vs-cvae-usps", ["model"]),
    ("latent", ["latent"]),
    ("hidden", ["hidden"]),
    ("encoder-depth", ["encoder-depth"]),
    ("beta", ["beta"]),
    ("optimizer", ["optimizer", "lr"]),
    ("batch-lr", ["batch", "lr"]),
]


def number(text, digits):
    return "-" if text == "" else f"{float(text):.{digits}f}"


for name, keys in SWEEPS:
    path = os.path.join(folder, name, "compare.csv")
    if not os.path.exists(path):
        print(f"{name}: no {path}\n")
        continue
    rows = list(csv.DictReader(open(path, newline="")))
    conditional = any(r.get("conditional_accuracy", "") for r in rows)
    head = keys + ["test loss", "NLL bound (K=100)", "test KL", "digit-FID", "digit-KID"]
    head += ["cond. accuracy"] if conditional else []
    head += ["parameters", "epoch s"]
    print(f"{name}:\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * len(keys) + ["---:"] * (len(head) - len(keys))) + "|")
    for r in rows:
        cells = [r[k] for k in keys]
        cells += [number(r["test_loss"], 2), number(r["nll_bound"], 2), number(r["test_kl"], 2),
                  number(r["digit_fid"], 1), number(r.get("digit_kid", ""), 3)]
        if conditional:
            cells.append(number(r["conditional_accuracy"], 3))
        cells += [f"{int(r['parameters']):,}", number(r["median_epoch_seconds"], 2)]
        if r["status"] != "done":
            cells[0] += f" ({r['status']})"
        print("| " + " | ".join(cells) + " |")
    print()
