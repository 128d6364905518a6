#!/usr/bin/env python3
"""The PyTorch peer for issue 17's GAN timing: the issue's `gan` or `dcgan` (the same networks, losses
and defaults as `VaeGpu.Runner --model gan|dcgan`) on the same MNIST files, with a given thread count.

Both: noise 96 uniform in [-1, 1], images scaled to [-1, 1], Adam lr 1e-3 betas (0.5, 0.999), batch
128; each step one D update on a real batch (target 1) and a fake batch (target 0, mean BCE-with-logits
of each added), then one G update on fresh noise through D (target 1, the non-saturating loss), D frozen
meanwhile (requires_grad_(False), so its weight gradients are not computed, as VaeGpu does;
--no-freeze-d computes and discards them, as the plain training loop of most tutorials does).
  gan:   D Linear(784,256) LeakyReLU(0.01) Linear(256,256) LeakyReLU(0.01) Linear(256,1);
         G Linear(96,1024) ReLU Linear(1024,1024) ReLU Linear(1024,784) Tanh.
  dcgan: D Conv2d(1,32,5) LeakyReLU MaxPool2d(2) Conv2d(32,64,5) LeakyReLU MaxPool2d(2) Flatten
         Linear(1024,1024) LeakyReLU Linear(1024,1);
         G Linear(96,1024) ReLU BatchNorm1d Linear(1024,6272) ReLU BatchNorm1d Unflatten(128,7,7)
         ConvTranspose2d(128,64,4,2,1) ReLU BatchNorm2d ConvTranspose2d(64,1,4,2,1) Tanh.

Prints one line per epoch with the training seconds (the loop over batches only, like VaeGpu's
epoch_seconds) and the mean losses per image, then the median epoch. The data sits in memory as one
float tensor and each epoch draws a random permutation (no DataLoader), which favours PyTorch.
--limit N trains on the first N images, as VaeGpu's --limit does.

OpenMP's wait policy is PASSIVE unless --omp default (OpenMP's own spin-then-sleep) or OMP_WAIT_POLICY
says otherwise. Debian's torch runs its element-wise ops on OpenMP threads and its GEMMs on OpenBLAS's
own threads; with OpenMP's default spin-wait the two pools take turns spinning on the same 2 cores: a
1024x1024 Linear's forward + backward at batch 128 took 71-85 ms against 23 ms with PASSIVE (its copies
and sums 100x longer), and a gan epoch 9x longer. PASSIVE is PyTorch's best case here, the fair peer.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/peers/pytorch_gan.py \
        --data-dir ../shared/datasets --model gan --epochs 2 --threads 2
"""
import argparse
import os
import statistics
import time

import numpy as np


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="folder holding mnist/")
    parser.add_argument("--model", choices=["gan", "dcgan"], default="gan")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images")
    parser.add_argument("--no-freeze-d", dest="freeze_d", action="store_false",
                        help="compute D's weight gradients in G's update too (and discard them)")
    parser.add_argument("--omp", choices=["passive", "default"], default="passive",
                        help="OpenMP wait policy (see the header)")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.omp == "passive":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when torch loads OpenMP
import torch  # noqa: E402 (after the wait policy is set)
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from mnist_idx import read_images  # noqa: E402 (beside this script)

NOISE = 96


def load_train(folder, limit):
    images = read_images(folder, "train")
    if limit is not None:
        images = images[:limit]
    # (N, 1, 28, 28) in [-1, 1]
    return torch.from_numpy(images.astype(np.float32) / 255.0).mul_(2).sub_(1).unsqueeze(1)


def gan():
    d = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.LeakyReLU(0.01), nn.Linear(256, 256),
                      nn.LeakyReLU(0.01), nn.Linear(256, 1))
    g = nn.Sequential(nn.Linear(NOISE, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                      nn.Linear(1024, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))
    return d, g


def dcgan():
    d = nn.Sequential(nn.Conv2d(1, 32, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(1024, 1024), nn.LeakyReLU(0.01), nn.Linear(1024, 1))
    g = nn.Sequential(nn.Linear(NOISE, 1024), nn.ReLU(), nn.BatchNorm1d(1024),
                      nn.Linear(1024, 128 * 7 * 7), nn.ReLU(), nn.BatchNorm1d(128 * 7 * 7),
                      nn.Unflatten(1, (128, 7, 7)),
                      nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.ReLU(), nn.BatchNorm2d(64),
                      nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    return d, g


def noise(n):
    return torch.rand(n, NOISE).mul_(2).sub_(1)  # uniform in [-1, 1)


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    train = load_train(os.path.join(args.data_dir, "mnist"), args.limit)
    count = train.shape[0]
    d, g = gan() if args.model == "gan" else dcgan()
    d_opt = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.999))
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.999))
    seconds = []
    for epoch in range(1, args.epochs + 1):
        d.train()
        g.train()
        order = torch.randperm(count)
        start = time.perf_counter()
        d_sum = g_sum = 0.0
        for i in range(0, count, args.batch_size):
            real = train[order[i:i + args.batch_size]]
            n = real.shape[0]
            d_opt.zero_grad()
            fake = g(noise(n)).detach()
            real_logits, fake_logits = d(real), d(fake)
            d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                      + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
            d_loss.backward()
            d_opt.step()
            g_opt.zero_grad()
            d.requires_grad_(not args.freeze_d)
            logits = d(g(noise(n)))
            g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
            g_loss.backward()
            d.requires_grad_(True)
            g_opt.step()
            d_sum += d_loss.item() * n
            g_sum += g_loss.item() * n
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch} train_seconds={seconds[-1]:.3f} d_loss={d_sum / count:.4f} "
              f"g_loss={g_sum / count:.4f}", flush=True)
    print(f"pytorch {torch.__version__} model={args.model} images={count} threads={torch.get_num_threads()} "
          f"omp_wait_policy={os.environ.get('OMP_WAIT_POLICY', 'unset')} freeze_d={args.freeze_d} "
          f"median_train_seconds={statistics.median(seconds):.3f}")


if __name__ == "__main__":
    main()
