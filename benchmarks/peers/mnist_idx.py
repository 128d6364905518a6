"""MNIST image files (IDX, raw or gzipped) as numpy arrays, for the PyTorch peer scripts beside it."""
import gzip
import os

import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def read_images(folder, split):
    """The images of SPLIT ("train" or "t10k") in FOLDER as uint8 (N, 28, 28), .gz preferred."""
    name = os.path.join(folder, f"{split}-images-idx3-ubyte")
    return read_idx(name + ".gz" if os.path.exists(name + ".gz") else name)
