// The tiled GEMM every kernel-running backend uses: C (m x n) = act([C +] op(A) op(B) [+ bias]).
// One general kernel handles any size and all three layouts through element strides; tiles of A and B
// are staged in group-shared memory and each work-item keeps a WptM x WptN block of C in registers.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Device GEMM with a fused epilogue (accumulate, bias, activation).</summary>
internal static partial class GemmKernels
{
    /// <summary>Rows of C computed by one work-group.</summary>
    public const int TileM = 64;
    /// <summary>Columns of C computed by one work-group.</summary>
    public const int TileN = 64;
    /// <summary>Depth of the A and B tiles staged in shared memory per step.</summary>
    public const int TileK = 16;
    /// <summary>Rows of C each work-item keeps in registers.</summary>
    public const int WptM = 4;
    /// <summary>Columns of C each work-item keeps in registers.</summary>
    public const int WptN = 4;
    /// <summary>Work-items along M in a group (derived).</summary>
    public const int ThreadsM = TileM / WptM;
    /// <summary>Work-items along N in a group (derived).</summary>
    public const int ThreadsN = TileN / WptN;
    /// <summary>Work-items per group (derived).</summary>
    public const int Threads = ThreadsM * ThreadsN;

    /// <summary>
    /// Launch over (ceil(n / TileN) * ThreadsN, ceil(m / TileM) * ThreadsM) with groups
    /// (ThreadsN, ThreadsM).
    /// A(row, i) = a[row * aRowStride + i * aColStride]; B(i, col) = b[i * bRowStride + col * bColStride].
    /// Edges are guarded, so no size needs to be a multiple of a tile.
    /// </summary>
    [Kernel]
    public static void Gemm(KernelContext k, Buf<float> c, Buf<float> a, Buf<float> b, Buf<float> bias,
        int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride,
        int accumulate, int hasBias, int activation)
    {
        Buf<float> tileA = k.Shared<float>(TileK * TileM); // (TileK, TileM): A transposed
        Buf<float> tileB = k.Shared<float>(TileK * TileN); // (TileK, TileN)
        int localCol = k.LocalId(0);
        int localRow = k.LocalId(1);
        int thread = localRow * ThreadsN + localCol;
        int rowBase = k.GroupId(1) * TileM;
        int colBase = k.GroupId(0) * TileN;
        Span<float> acc = stackalloc float[WptM * WptN]; // (WptM, WptN) block of C
        Span<float> aReg = stackalloc float[WptM];
        Span<float> bReg = stackalloc float[WptN];
        for (int w = 0; w < WptM * WptN; w++) acc[w] = 0.0f;

        for (int kBase = 0; kBase < depth; kBase += TileK)
        {
            // Consecutive work-items load consecutive addresses: along k when A's rows are contiguous,
            // along m otherwise (the TN layout).
            for (int e = thread; e < TileM * TileK; e += Threads)
            {
                int tileRow = aColStride == 1 ? e / TileK : e % TileM;
                int tileDepth = aColStride == 1 ? e % TileK : e / TileM;
                int row = rowBase + tileRow;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (row < m && inner < depth) value = a[row * aRowStride + inner * aColStride];
                tileA[tileDepth * TileM + tileRow] = value;
            }
            for (int e = thread; e < TileN * TileK; e += Threads)
            {
                int tileCol = bColStride == 1 ? e % TileN : e / TileK;
                int tileDepth = bColStride == 1 ? e / TileN : e % TileK;
                int col = colBase + tileCol;
                int inner = kBase + tileDepth;
                float value = 0.0f;
                if (col < n && inner < depth) value = b[inner * bRowStride + col * bColStride];
                tileB[tileDepth * TileN + tileCol] = value;
            }
            k.Barrier();

            for (int step = 0; step < TileK; step++)
            {
                for (int wm = 0; wm < WptM; wm++) aReg[wm] = tileA[step * TileM + localRow + wm * ThreadsM];
                for (int wn = 0; wn < WptN; wn++) bReg[wn] = tileB[step * TileN + localCol + wn * ThreadsN];
                for (int wm = 0; wm < WptM; wm++)
                    for (int wn = 0; wn < WptN; wn++)
                        acc[wm * WptN + wn] += aReg[wm] * bReg[wn];
            }
            k.Barrier();
        }

        for (int wm = 0; wm < WptM; wm++)
        {
            int row = rowBase + localRow + wm * ThreadsM;
            for (int wn = 0; wn < WptN; wn++)
            {
                int col = colBase + localCol + wn * ThreadsN;
                if (row < m && col < n)
                {
                    float sum = acc[wm * WptN + wn];
                    if (accumulate != 0) sum += c[row * n + col];
                    if (hasBias != 0) sum += bias[col];
                    c[row * n + col] = ActivationKernels.Activate(activation, sum);
                }
            }
        }
    }
}
