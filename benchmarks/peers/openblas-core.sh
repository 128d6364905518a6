# Sourced by the peer scripts: gives PyTorch's OpenBLAS the kernel this CPU deserves.
# OpenBLAS picks its kernels from the CPU's model number at load. Debian's 0.3.21 does not know newer
# CPUs (for one, the Intel Xeon of model 207, with AVX-512) and falls back to Prescott, its SSE3 kernel:
# a 256x1024x1024 sgemm then ran at 58 GFLOP/s on 2 cores instead of 215 with SkylakeX's, and PyTorch's
# `gan` epoch at 30 s instead of 16. Against that fallback our ratios would flatter us, so when OpenBLAS
# reports a core that lacks the vector units the CPU has, this sets OPENBLAS_CORETYPE to the kernel it
# would take for them: SkylakeX for AVX-512 (F, BW, DQ, VL), Haswell for AVX2 with FMA. Any tuning
# variable set by the caller is dropped first, as before, so the choice is OpenBLAS's or this one.
#   source benchmarks/peers/openblas-core.sh; openblas_core /usr/bin/python3
openblas_core() {
  local py=$1 core flags want=
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  core=$(OPENBLAS_VERBOSE=2 "$py" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 |
    sed -n 's/^Core: *//p' | head -n 1)
  flags=" $(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  if [[ -z $core ]]; then
    echo "openblas: PyTorch named no OpenBLAS core (another BLAS?); nothing set" >&2
    return 0
  fi
  if [[ $flags == *" avx512f "* && $flags == *" avx512bw "* && $flags == *" avx512dq "* &&
        $flags == *" avx512vl "* ]]; then
    case $core in SkylakeX | Cooperlake | SapphireRapids) ;; *) want=SkylakeX ;; esac
  elif [[ $flags == *" avx2 "* && $flags == *" fma "* ]]; then
    case $core in Haswell | Zen | SkylakeX | Cooperlake | SapphireRapids) ;; *) want=Haswell ;; esac
  fi
  if [[ -n $want ]]; then
    export OPENBLAS_CORETYPE=$want
    echo "openblas: chose core $core, which leaves this CPU's vector units idle;" \
      "PyTorch runs with OPENBLAS_CORETYPE=$want" >&2
  else
    echo "openblas: core $core (its own choice)" >&2
  fi
}
