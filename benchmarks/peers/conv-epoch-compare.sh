#!/usr/bin/env bash
# Issue 16: the conv VAE's (--arch conv) MNIST training epoch, VaeGpu (cpu) against PyTorch 1.13, same
# model, loss, data files, batch (128) and threads, one after the other in one go (epoch-compare.sh).
# Goal: VaeGpu's epoch at most 0.5x PyTorch's. LIMIT (images per epoch, both sides, times scaled to
# 60000) keeps it short: this PyTorch build's transposed convolution is slow.
#   benchmarks/peers/conv-epoch-compare.sh [DATA_DIR] [EPOCHS] [THREADS] [LIMIT]
exec "$(dirname "$0")/epoch-compare.sh" "${1:-../shared/datasets}" "${2:-1}" "${3:-2}" conv "${4:-}"
