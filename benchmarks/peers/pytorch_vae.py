#!/usr/bin/env python3
"""The PyTorch peer for issue 8's training target: PyTorch's VAE example model (784-400-20, ReLU, BCE
summed over pixels + KL, Adam 1e-3, batch 128) on the same MNIST files, with a given thread count.
`--arch conv` trains issue 16's conv VAE instead (VaeGpu's `--arch conv`: two stride-2 convs 32, 64,
hidden 256, latent 20, the same loss and optimizer), laid out as VaeGpu's conv checkpoint names it.

Prints one line per epoch with the training seconds (the loop over batches only, like VaeGpu's
samples_per_second; with --limit scaled to the full 60000 images, as VaeGpu's rate is) and the test
loss, then the median epoch. The data sits in memory as one float
tensor and each epoch draws a random permutation, which is cheaper than the example's DataLoader, so
the comparison favours PyTorch.

    python3 benchmarks/peers/pytorch_vae.py --data-dir ../shared/datasets --epochs 3 --threads 2
    python3 benchmarks/peers/pytorch_vae.py --data-dir ../shared/datasets --arch conv --epochs 1
"""
import argparse
import os
import statistics
import time

import numpy as np

# OpenMP's PASSIVE wait policy is PyTorch's best case on this machine: Debian's torch runs element-wise ops
# on OpenMP threads and GEMMs on OpenBLAS's, and under OpenMP's default spin-wait the two pools spin against
# each other on 2 cores (pytorch_gan.py measures it). Set before torch loads OpenMP; OMP_WAIT_POLICY in the
# environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402 (after the wait policy is set)
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from mnist_idx import read_images  # noqa: E402 (beside this script)


def load(folder, split):
    images = read_images(folder, split).reshape(-1, 784)
    return torch.from_numpy(images.astype(np.float32) / 255.0)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        logits = self.fc4(F.relu(self.fc3(z)))
        return logits, mu, logvar


class ConvVAE(nn.Module):
    """VaeGpu's --arch conv for 28x28 images (config.json's architecture for MNIST)."""

    def __init__(self, latent=20, hidden=256):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten(),
            nn.Linear(64 * 7 * 7, hidden), nn.ReLU())
        self.mu, self.logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, 64 * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def forward(self, x):
        h = self.encoder(x.view(-1, 1, 28, 28))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decoder(z).view(-1, 784), mu, logvar


def loss_fn(logits, x, mu, logvar):
    # BCE on logits (the stable form) equals the example's BCE on sigmoid outputs.
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="folder holding mnist/")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--arch", choices=["mlp", "conv"], default="mlp")
    parser.add_argument("--limit", type=int, help="train on the first N images (times scaled to 60000)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    folder = os.path.join(args.data_dir, "mnist")
    train, test = load(folder, "train"), load(folder, "t10k")
    full = train.shape[0]
    if args.limit:
        train = train[:args.limit]
    model = VAE() if args.arch == "mlp" else ConvVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(train.shape[0])
        start = time.perf_counter()
        total = 0.0
        for i in range(0, train.shape[0], args.batch_size):
            x = train[order[i:i + args.batch_size]]
            optimizer.zero_grad()
            loss = loss_fn(*((lambda o: (o[0], x, o[1], o[2]))(model(x))))
            loss.backward()
            optimizer.step()
            total += loss.item()
        seconds.append((time.perf_counter() - start) * full / train.shape[0])
        model.eval()
        with torch.no_grad():
            test_loss = sum(loss_fn(*((lambda o: (o[0], x, o[1], o[2]))(model(x)))).item()
                            for x in test.split(1000)) / test.shape[0]
        print(f"epoch {epoch} train_seconds={seconds[-1]:.3f} train_loss={total / train.shape[0]:.4f} "
              f"test_loss={test_loss:.4f}", flush=True)
    print(f"pytorch {torch.__version__} arch={args.arch} threads={torch.get_num_threads()} "
          f"omp_wait_policy={os.environ.get('OMP_WAIT_POLICY')} "
          f"median_train_seconds={statistics.median(seconds):.3f}")


if __name__ == "__main__":
    main()
