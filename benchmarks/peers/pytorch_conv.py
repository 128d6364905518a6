#!/usr/bin/env python3
# PyTorch peer of `VaeGpu.Benchmarks conv-table`: forward + backward of the same conv, transposed conv,
# max pooling and batch-norm cases (benchmarks/VaeGpu.Benchmarks/Conv/ConvCases.cs; keep in step),
# float32 on the CPU with 2 threads (PyTorch's own oneDNN/mkldnn conv where the build has it).
# Each cell: median of 7 repetitions of about 0.1 s after a warm-up; GFLOP/s from the same counts.
# Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/peers/pytorch_conv.py [threads]
import statistics
import sys
import time

import torch
import torch.nn.functional as F

BATCH = 64
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(1)

# (name, op, in_c, h, w, out_c, k, stride, padding)
CASES = [
    ("vae conv 1->32 28x28 k4s2", "conv", 1, 28, 28, 32, 4, 2, 1),
    ("vae conv 32->64 16x16 k4s2", "conv", 32, 16, 16, 64, 4, 2, 1),
    ("vae convT 64->32 8x8 k4s2", "convT", 64, 8, 8, 32, 4, 2, 1),
    ("vae convT 32->1 14x14 k4s2", "convT", 32, 14, 14, 1, 4, 2, 1),
    ("dcgan conv 1->32 28x28 k5s1", "conv", 1, 28, 28, 32, 5, 1, 2),
    ("dcgan conv 32->64 14x14 k5s1", "conv", 32, 14, 14, 64, 5, 1, 2),
    ("dcgan convT 64->32 7x7 k4s2", "convT", 64, 7, 7, 32, 4, 2, 1),
    ("maxpool 32x28x28 k2s2", "maxpool", 32, 28, 28, 32, 2, 2, 0),
    ("batchnorm2d 64x14x14", "batchnorm", 64, 14, 14, 64, 1, 1, 0),
]


def make(op, in_c, h, w, out_c, k, s, p):
    x = torch.rand(BATCH, in_c, h, w).sub_(0.5).requires_grad_(True)
    if op == "conv":
        weight = torch.rand(out_c, in_c, k, k).sub_(0.5).requires_grad_(True)
        bias = torch.rand(out_c).sub_(0.5).requires_grad_(True)
        fn = lambda: F.conv2d(x, weight, bias, stride=s, padding=p)
        oh = (h + 2 * p - k) // s + 1
        ow = (w + 2 * p - k) // s + 1
        flops = 3 * 2 * out_c * oh * ow * in_c * k * k * BATCH
    elif op == "convT":
        weight = torch.rand(in_c, out_c, k, k).sub_(0.5).requires_grad_(True)
        bias = torch.rand(out_c).sub_(0.5).requires_grad_(True)
        fn = lambda: F.conv_transpose2d(x, weight, bias, stride=s, padding=p)
        flops = 3 * 2 * in_c * h * w * out_c * k * k * BATCH
    elif op == "maxpool":
        fn = lambda: F.max_pool2d(x, k, s)
        flops = 2 * in_c * ((h - k) // s + 1) * ((w - k) // s + 1) * k * k * BATCH
    else:
        bn = torch.nn.BatchNorm2d(in_c).train()
        fn = lambda: bn(x)
        flops = 10 * in_c * h * w * BATCH
    y = fn()
    dy = torch.rand_like(y).sub_(0.5)

    def step():
        out = fn()
        out.backward(dy)

    return step, flops


def median_seconds(step):
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < 0.2 or count < 2:
        step()
        count += 1
    per_rep = max(1, int(0.1 / ((time.perf_counter() - start) / count)))
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(per_rep):
            step()
        times.append((time.perf_counter() - t0) / per_rep)
    return statistics.median(times)


print(f"# PyTorch {torch.__version__}, {threads} threads, mkldnn available: "
      f"{torch.backends.mkldnn.is_available()}; forward + backward, batch {BATCH}: ms (GFLOP/s)")
print("| case | GFLOP | pytorch |")
print("|---|---:|---:|")
for name, *spec in CASES:
    step, flops = make(*spec)
    seconds = median_seconds(step)
    print(f"| {name} | {flops / 1e9:.3f} | {seconds * 1e3:.2f} ({flops / 1e9 / seconds:.1f}) |")
