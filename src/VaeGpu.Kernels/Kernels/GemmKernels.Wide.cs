// The GEMM variant for CPU OpenCL devices (PoCL): the same C = act([C +] op(A) op(B) [+ bias]) with a
// WideWptM x WideWptN block per work-item in private arrays, sized by overridable constants. PoCL runs a
// work-item as a CPU loop nest: with a contiguous block (WideContiguous) its inner loop over the block's
// columns vectorizes (contiguous loads of the B tile, one broadcast of A), so few, fat work-items (16 per
// group of 32 x 32 blocks) run fastest there (benchmarks/README.md section 6 has the tuning). ILGPU would
// put such arrays in .local memory, so GPUs (and the CUDA backend) use GemmKernels.Gemm's 4 x 4 scalars.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

internal static partial class GemmKernels
{
    /// <summary>Rows of C computed by one work-group of the wide variant.</summary>
    public const int WideTileM = 128;
    /// <summary>Columns of C computed by one work-group of the wide variant.</summary>
    public const int WideTileN = 128;
    /// <summary>Depth of the A and B tiles of the wide variant.</summary>
    public const int WideTileK = 8;
    /// <summary>Rows of C each work-item of the wide variant keeps in a private array.</summary>
    public const int WideWptM = 32;
    /// <summary>Columns of C each work-item of the wide variant keeps in a private array.</summary>
    public const int WideWptN = 32;
    /// <summary>Work-items along M in a wide group (derived).</summary>
    public const int WideThreadsM = WideTileM / WideWptM;
    /// <summary>Work-items along N in a wide group (derived).</summary>
    public const int WideThreadsN = WideTileN / WideWptN;
    /// <summary>Work-items per wide group (derived).</summary>
    public const int WideThreads = WideThreadsM * WideThreadsN;
    /// <summary>
    /// 1: each work-item's block of C is WideWptM whole rows of WideWptN adjacent columns, so its tile reads
    /// and its stores are contiguous (vector loads on CPU devices); 0: its rows and columns are
    /// interleaved with the other work-items' at strides WideThreadsM and WideThreadsN (coalesced on GPUs).
    /// </summary>
    public const int WideContiguous = 1;
    /// <summary>Distance between the first columns of neighbouring work-items (derived).</summary>
    public const int WideItemColStep = 1 + WideContiguous * (WideWptN - 1);
    /// <summary>Distance between the columns of one work-item's block (derived).</summary>
    public const int WideBlockColStep = WideThreadsN + WideContiguous * (1 - WideThreadsN);
    /// <summary>Distance between the first rows of neighbouring work-items (derived).</summary>
    public const int WideItemRowStep = 1 + WideContiguous * (WideWptM - 1);
    /// <summary>Distance between the rows of one work-item's block (derived).</summary>
    public const int WideBlockRowStep = WideThreadsM + WideContiguous * (1 - WideThreadsM);

    /// <summary>
    /// As <see cref="Gemm"/> (depth blocks included), launched over (ceil(n / WideTileN) * WideThreadsN,
    /// ceil(m / WideTileM) * WideThreadsM) with groups (WideThreadsN, WideThreadsM).
    /// </summary>
    [Kernel]
    public static void GemmWide(KernelContext k, Buf<float> c, Buf<float> a, Buf<float> b, Buf<float> bias,
        int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride,
        int accumulate, int hasBias, int activation, int blockDepth)
    {
        Buf<float> tileA = k.Shared<float>(WideTileK * WideTileM); // (WideTileK, WideTileM): A^T
        Buf<float> tileB = k.Shared<float>(WideTileK * WideTileN); // (WideTileK, WideTileN)
        int localCol = k.LocalId(0);
        int localRow = k.LocalId(1);
        int thread = localRow * WideThreadsN + localCol;
        int rowBase = k.GroupId(1) * WideTileM;
        int colBase = k.GroupId(0) * WideTileN;
        var acc = k.Private<float>(WideWptM * WideWptN); // (WideWptM, WideWptN) block of C
        var aReg = k.Private<float>(WideWptM);
        var bReg = k.Private<float>(WideWptN);
        for (int w = 0; w < WideWptM * WideWptN; w++) acc[w] = 0.0f;
        int blockEnd = KMath.Min(blockDepth, depth); // where the current depth block ends

        for (int kBase = 0; kBase < depth; kBase += WideTileK)
        {
            // Consecutive work-items load consecutive addresses: along k when A's rows are contiguous,
            // along m otherwise (the TN layout).
            for (int e = thread; e < WideTileM * WideTileK; e += WideThreads)
            {
                int tileRow = aColStride == 1 ? e / WideTileK : e % WideTileM;
                int tileDepth = aColStride == 1 ? e % WideTileK : e / WideTileM;
                int row = rowBase + tileRow;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (row < m && inner < depth) value = a[row * aRowStride + inner * aColStride];
                tileA[tileDepth * WideTileM + tileRow] = value;
            }
            for (int e = thread; e < WideTileN * WideTileK; e += WideThreads)
            {
                int tileCol = bColStride == 1 ? e % WideTileN : e / WideTileK;
                int tileDepth = bColStride == 1 ? e / WideTileN : e % WideTileK;
                int col = colBase + tileCol;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (col < n && inner < depth) value = b[inner * bRowStride + col * bColStride];
                tileB[tileDepth * WideTileN + tileCol] = value;
            }
            k.Barrier();

            for (int step = 0; step < WideTileK; step++)
            {
                for (int wm = 0; wm < WideWptM; wm++)
                    aReg[wm] = tileA[step * WideTileM + localRow * WideItemRowStep + wm * WideBlockRowStep];
                for (int wn = 0; wn < WideWptN; wn++)
                    bReg[wn] = tileB[step * WideTileN + localCol * WideItemColStep + wn * WideBlockColStep];
                for (int wm = 0; wm < WideWptM; wm++)
                    for (int wn = 0; wn < WideWptN; wn++)
                        acc[wm * WideWptN + wn] = KMath.Fma(aReg[wm], bReg[wn], acc[wm * WideWptN + wn]);
                if (kBase + step + 1 == blockEnd)
                {
                    // A depth block ends: C = its sum [+ C] (+ bias, activation after the last block).
                    int load = blockEnd > blockDepth || accumulate != 0 ? 1 : 0;
                    int last = blockEnd == depth ? 1 : 0;
                    int addBias = last != 0 ? hasBias : 0;
                    int act = last != 0 ? activation : ActivationKernels.ActIdentity;
                    for (int wm = 0; wm < WideWptM; wm++)
                    {
                        int row = rowBase + localRow * WideItemRowStep + wm * WideBlockRowStep;
                        for (int wn = 0; wn < WideWptN; wn++)
                        {
                            int col = colBase + localCol * WideItemColStep + wn * WideBlockColStep;
                            Store(c, bias, row, col, m, n, load, addBias, act, acc[wm * WideWptN + wn]);
                            acc[wm * WideWptN + wn] = 0.0f;
                        }
                    }
                    blockEnd = KMath.Min(blockEnd + blockDepth, depth);
                }
            }
            k.Barrier();
        }
    }
}
