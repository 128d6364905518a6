#!/usr/bin/env python3
"""Checks README's "rebuild in PyTorch" snippet on a real conv run (not a test: tests must not need torch).

Runs the snippet exactly as README.md prints it (its python block under "Convolutional models", with
"run/" pointing at RUN; its load is strict), checks that the file's names are the model's own but for
BatchNorm's num_batches_tracked counters (VaeGpu does not write them; PyTorch fills them in), and that
PyTorch's test loss over the run's test set matches the last test_loss of RUN/metrics.csv: the KL term
exactly (it depends on mu and logvar only) and the sampled reconstruction term within Monte Carlo noise
(PyTorch draws its own eps). IDX
datasets (MNIST, Fashion-MNIST) only; vae and ae runs, not cvae. Without the safetensors package a
ten-line reader of the same file format stands in for safetensors.torch.load_file.

    dotnet src/VaeGpu.Runner/bin/Release/net10.0/VaeGpu.Runner.dll --arch conv --epochs 1 --limit 2000 \\
        --data-dir ../shared/datasets --out /tmp/conv1
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 docs/check-pytorch-rebuild.py /tmp/conv1 \\
        ../shared/datasets
"""
import csv
import gzip
import json
import math
import os
import re
import struct
import sys
import types

import numpy as np
import torch
from torch.nn import functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DRAWS = 2  # eps draws over the test set for the reconstruction term (at least 2: their spread)


def snippet():
    """The python block that follows README's 'rebuilds and loads a conv VAE' sentence."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = text.index("```python\n", re.search(r"rebuilds and\s+loads a conv VAE", text).end()) + 10
    return text[start:text.index("```", start)]


def load_file(path):
    """safetensors.torch.load_file for float32 files: 8-byte header length, JSON header, raw data."""
    with open(path, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: only F32 is read here, got {info['dtype']}"
        begin, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy()).reshape(
            info["shape"])
    return tensors


def test_images(data_dir, dataset, height, width):
    folder = os.path.join(data_dir, dataset)
    path = os.path.join(folder, "t10k-images-idx3-ubyte")
    path = path + ".gz" if os.path.exists(path + ".gz") else path
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    count = int.from_bytes(raw[4:8], "big")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).reshape(count, 1, height, width)


def main():
    run, data_dir = sys.argv[1], sys.argv[2]
    config = json.load(open(os.path.join(run, "config.json")))
    assert config["model"] in ("vae", "ae"), f"{config['model']}: only vae and ae runs are checked"
    assert config["recon"] == "bce", f"{config['recon']}: only bce runs are checked"
    if "safetensors" not in sys.modules:
        try:
            import safetensors.torch  # noqa: F401
        except ImportError:
            package = types.ModuleType("safetensors")
            package.torch = types.ModuleType("safetensors.torch")
            package.torch.load_file = load_file
            sys.modules["safetensors"], sys.modules["safetensors.torch"] = package, package.torch
    code = snippet().replace('"run/', f'"{run}/')
    scope = {}
    exec(compile(code, "README.md snippet", "exec"), scope)  # noqa: S102 - our own README
    model = scope["model"]
    print(f"snippet ran (its strict load passed): {sum(p.numel() for p in model.parameters())} parameters")
    state = load_file(os.path.join(run, "model.safetensors"))
    missing = [k for k in model.state_dict() if k not in state]
    unexpected = [k for k in state if k not in model.state_dict()]
    assert not unexpected, f"names PyTorch does not know: {unexpected}"
    assert all(k.endswith(".num_batches_tracked") for k in missing), f"missing: {missing}"

    last = list(csv.DictReader(open(os.path.join(run, "metrics.csv"))))[-1]
    ours_loss, ours_kl = float(last["test_loss"]), float(last["test_kl"])
    x = test_images(data_dir, config["dataset"], config["image_height"], config["image_width"])
    torch.manual_seed(1)
    torch.set_num_threads(2)
    model.eval()
    ae = config["model"] == "ae"
    kl, recon = [], []  # per image; recon [draw][image]
    with torch.no_grad():
        for chunk in x.split(500):
            h = model.encoder(chunk)
            mu, logvar = model.mu(h), model.logvar(h)
            if not ae:
                kl.append((-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).double())
            draws = []
            for _ in range(1 if ae else DRAWS):
                z = mu if ae else mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                logits = model.decoder(z)
                draws.append(F.binary_cross_entropy_with_logits(logits, chunk, reduction="none")
                             .flatten(1).sum(dim=1).double())
            recon.append(torch.stack(draws))
    recon = torch.cat(recon, dim=1)
    kl = float(torch.cat(kl).mean()) if kl else 0.0
    theirs = float(recon.mean()) + kl
    # Ours used one eps draw per image: the standard error of a one-draw mean over the test set, from
    # the spread between draws (zero for an ae, which does not sample).
    noise = 0.0 if ae else float(recon.std(dim=0).pow(2).mean().sqrt()) / math.sqrt(x.shape[0])
    print(f"test loss: vaegpu {ours_loss:.4f} (kl {ours_kl:.4f}), pytorch {theirs:.4f} (kl {kl:.4f}); "
          f"one-draw noise {noise:.4f}")
    assert abs(kl - ours_kl) <= 1e-3 * max(1.0, abs(ours_kl)), "KL differs"
    assert abs(theirs - ours_loss) <= 4 * noise + 1e-4 * abs(ours_loss), "test loss differs"
    print("ok: the README snippet loads the checkpoint and reproduces its test loss")


if __name__ == "__main__":
    main()
