#!/usr/bin/env python3
"""How a trained GAN's samples spread over the dataset's classes (a diagnostic, not a test: it needs torch).

A high digit-FID with clean-looking samples usually means dropped modes: the generator draws some classes
far more often than the data holds them. This rebuilds each RUN's generator in PyTorch from its
model.safetensors (the networks of benchmarks/peers/pytorch_gan.py, eval mode: batch norm's running
statistics, as VaeGpu's `sample` and `eval` use), draws 10,000 samples on noise uniform in [-1, 1],
and labels them with a small MLP classifier trained here on the dataset's training set (5 epochs, seed
0; its test accuracy is printed). Prints the test set's own labelled counts first, for scale. 28x28 IDX
datasets (MNIST, Fashion-MNIST); unconditional `gan`, `lsgan` and `dcgan` runs with the default noise.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 \\
        docs/gan-class-spread.py /usr/share/datasets/fashion-mnist runs/gan-comparison-fashion/{gan,lsgan,dcgan}
"""
import gzip
import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "benchmarks", "peers"))
folder, runs = sys.argv[1], sys.argv[2:]
sys.argv = [sys.argv[0], "--data-dir", folder]  # pytorch_gan parses its own arguments on import
import pytorch_gan as peer  # noqa: E402 (the same networks as VaeGpu's gan and dcgan)
import torch  # noqa: E402
from torch import nn  # noqa: E402

NAMES = {"fashion-mnist": ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                           "Sneaker", "Bag", "Boot"]}


def idx(name):
    path = os.path.join(folder, name)
    raw = gzip.open(path + ".gz").read() if os.path.exists(path + ".gz") else open(path, "rb").read()
    return np.frombuffer(raw, np.uint8, offset=16 if "images" in name else 8)


def images(split):
    return torch.tensor(idx(f"{split}-images-idx3-ubyte").reshape(-1, 784) / 255.0, dtype=torch.float32)


def labels(split):
    return torch.tensor(idx(f"{split}-labels-idx1-ubyte").astype(np.int64))


def generator(run):
    with open(os.path.join(run, "model.safetensors"), "rb") as f:
        raw = f.read()
    size = struct.unpack("<Q", raw[:8])[0]
    header, data = json.loads(raw[8:8 + size]), raw[8 + size:]
    state = {}
    for name, info in header.items():
        if name.startswith("generator."):
            start, end = info["data_offsets"]
            values = np.frombuffer(data[start:end], np.float32).reshape(info["shape"]).copy()
            state[name[len("generator."):]] = torch.tensor(values)
    model = json.load(open(os.path.join(run, "config.json")))["model"]
    g = (peer.dcgan() if model == "dcgan" else peer.gan())[1]
    g.load_state_dict(state, strict=False)  # BatchNorm's num_batches_tracked is not saved
    return model, g.eval()


def spread(predicted):
    counts = torch.bincount(predicted, minlength=10).tolist()
    names = NAMES.get(os.path.basename(os.path.normpath(folder)), [str(c) for c in range(10)])
    return " ".join(f"{names[c]}={counts[c]}" for c in range(10))


torch.manual_seed(0)
x, y = images("train"), labels("train")
classifier = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
opt = torch.optim.Adam(classifier.parameters(), 1e-3)
for epoch in range(5):
    order = torch.randperm(len(x))
    for i in range(0, len(x), 128):
        batch = order[i:i + 128]
        opt.zero_grad()
        nn.functional.cross_entropy(classifier(x[batch]), y[batch]).backward()
        opt.step()
with torch.no_grad():
    test = classifier(images("t10k")).argmax(1)
    print(f"classifier test accuracy {(test == labels('t10k')).float().mean().item():.3f}")
    print(f"test images: {spread(test)}")
    for run in runs:
        model, g = generator(run)
        samples = (g(peer.noise(10000)).reshape(-1, 784) + 1) / 2  # [-1, 1] -> [0, 1]
        print(f"{run} ({model}): {spread(classifier(samples).argmax(1))}")
