// The tiled GEMM every kernel-running backend uses: C (m x n) = act([C +] op(A) op(B) [+ bias]).
// One general kernel handles any size and all three layouts through element strides; tiles of A and B
// are staged in group-shared memory and each work-item keeps a 4 x 4 block of C in 16 scalar registers
// (written out, not an array: ILGPU keeps private arrays in .local memory, a test reads the PTX).
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
    /// <summary>Rows of C each work-item keeps in registers (fixed: the scalars are written out).</summary>
    public const int WptM = 4;
    /// <summary>Columns of C each work-item keeps in registers (fixed, as WptM).</summary>
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
    /// Edges are guarded, so no size needs to be a multiple of a tile. The depth is summed in blocks of
    /// blockDepth (the cpu backend's, CpuGemm.DepthStep): each block's fused multiply-adds start from zero
    /// and its sum is added into C, the bias and activation come after the last block, so on a device with
    /// IEEE fma and add the result is the cpu backend's bit for bit.
    /// </summary>
    [Kernel]
    public static void Gemm(KernelContext k, Buf<float> c, Buf<float> a, Buf<float> b, Buf<float> bias,
        int m, int n, int depth, int aRowStride, int aColStride, int bRowStride, int bColStride,
        int accumulate, int hasBias, int activation, int blockDepth)
    {
        Buf<float> tileA = k.Shared<float>(TileK * TileM); // (TileK, TileM): A transposed
        Buf<float> tileB = k.Shared<float>(TileK * TileN); // (TileK, TileN)
        int localCol = k.LocalId(0);
        int localRow = k.LocalId(1);
        int thread = localRow * ThreadsN + localCol;
        int rowBase = k.GroupId(1) * TileM;
        int colBase = k.GroupId(0) * TileN;
        // The (4, 4) block of C: accRC is row localRow + R * ThreadsM, column localCol + C * ThreadsN.
        float acc00 = 0.0f, acc01 = 0.0f, acc02 = 0.0f, acc03 = 0.0f;
        float acc10 = 0.0f, acc11 = 0.0f, acc12 = 0.0f, acc13 = 0.0f;
        float acc20 = 0.0f, acc21 = 0.0f, acc22 = 0.0f, acc23 = 0.0f;
        float acc30 = 0.0f, acc31 = 0.0f, acc32 = 0.0f, acc33 = 0.0f;
        int blockEnd = KMath.Min(blockDepth, depth); // where the current depth block ends

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
                float a0 = tileA[step * TileM + localRow + 0 * ThreadsM];
                float a1 = tileA[step * TileM + localRow + 1 * ThreadsM];
                float a2 = tileA[step * TileM + localRow + 2 * ThreadsM];
                float a3 = tileA[step * TileM + localRow + 3 * ThreadsM];
                float b0 = tileB[step * TileN + localCol + 0 * ThreadsN];
                float b1 = tileB[step * TileN + localCol + 1 * ThreadsN];
                float b2 = tileB[step * TileN + localCol + 2 * ThreadsN];
                float b3 = tileB[step * TileN + localCol + 3 * ThreadsN];
                acc00 = KMath.Fma(a0, b0, acc00); acc01 = KMath.Fma(a0, b1, acc01);
                acc02 = KMath.Fma(a0, b2, acc02); acc03 = KMath.Fma(a0, b3, acc03);
                acc10 = KMath.Fma(a1, b0, acc10); acc11 = KMath.Fma(a1, b1, acc11);
                acc12 = KMath.Fma(a1, b2, acc12); acc13 = KMath.Fma(a1, b3, acc13);
                acc20 = KMath.Fma(a2, b0, acc20); acc21 = KMath.Fma(a2, b1, acc21);
                acc22 = KMath.Fma(a2, b2, acc22); acc23 = KMath.Fma(a2, b3, acc23);
                acc30 = KMath.Fma(a3, b0, acc30); acc31 = KMath.Fma(a3, b1, acc31);
                acc32 = KMath.Fma(a3, b2, acc32); acc33 = KMath.Fma(a3, b3, acc33);
                if (kBase + step + 1 == blockEnd)
                {
                    // A depth block ends: C = its sum [+ C] (+ bias, activation after the last block).
                    int load = blockEnd > blockDepth || accumulate != 0 ? 1 : 0;
                    int last = blockEnd == depth ? 1 : 0;
                    int addBias = last != 0 ? hasBias : 0;
                    int act = last != 0 ? activation : ActivationKernels.ActIdentity;
                    int row0 = rowBase + localRow + 0 * ThreadsM;
                    int row1 = rowBase + localRow + 1 * ThreadsM;
                    int row2 = rowBase + localRow + 2 * ThreadsM;
                    int row3 = rowBase + localRow + 3 * ThreadsM;
                    int col0 = colBase + localCol + 0 * ThreadsN;
                    int col1 = colBase + localCol + 1 * ThreadsN;
                    int col2 = colBase + localCol + 2 * ThreadsN;
                    int col3 = colBase + localCol + 3 * ThreadsN;
                    Store(c, bias, row0, col0, m, n, load, addBias, act, acc00);
                    Store(c, bias, row0, col1, m, n, load, addBias, act, acc01);
                    Store(c, bias, row0, col2, m, n, load, addBias, act, acc02);
                    Store(c, bias, row0, col3, m, n, load, addBias, act, acc03);
                    Store(c, bias, row1, col0, m, n, load, addBias, act, acc10);
                    Store(c, bias, row1, col1, m, n, load, addBias, act, acc11);
                    Store(c, bias, row1, col2, m, n, load, addBias, act, acc12);
                    Store(c, bias, row1, col3, m, n, load, addBias, act, acc13);
                    Store(c, bias, row2, col0, m, n, load, addBias, act, acc20);
                    Store(c, bias, row2, col1, m, n, load, addBias, act, acc21);
                    Store(c, bias, row2, col2, m, n, load, addBias, act, acc22);
                    Store(c, bias, row2, col3, m, n, load, addBias, act, acc23);
                    Store(c, bias, row3, col0, m, n, load, addBias, act, acc30);
                    Store(c, bias, row3, col1, m, n, load, addBias, act, acc31);
                    Store(c, bias, row3, col2, m, n, load, addBias, act, acc32);
                    Store(c, bias, row3, col3, m, n, load, addBias, act, acc33);
                    acc00 = 0.0f; acc01 = 0.0f; acc02 = 0.0f; acc03 = 0.0f;
                    acc10 = 0.0f; acc11 = 0.0f; acc12 = 0.0f; acc13 = 0.0f;
                    acc20 = 0.0f; acc21 = 0.0f; acc22 = 0.0f; acc23 = 0.0f;
                    acc30 = 0.0f; acc31 = 0.0f; acc32 = 0.0f; acc33 = 0.0f;
                    blockEnd = KMath.Min(blockEnd + blockDepth, depth);
                }
            }
            k.Barrier();
        }
    }

    /// <summary>
    /// The epilogue for one element: c[row, col] = act([c +] value [+ bias[col]]) when inside m x n.
    /// </summary>
    [DeviceFunction]
    public static void Store(Buf<float> c, Buf<float> bias, int row, int col, int m, int n, int accumulate,
        int hasBias, int activation, float value)
    {
        if (row < m && col < n)
        {
            float sum = value;
            if (accumulate != 0) sum += c[row * n + col];
            if (hasBias != 0) sum += bias[col];
            c[row * n + col] = ActivationKernels.Activate(activation, sum);
        }
    }
}
