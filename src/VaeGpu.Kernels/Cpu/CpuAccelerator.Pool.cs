// Max and average pooling on the CPU backend, range-parallel over (sample, channel) planes. Backward
// passes zero the input gradient's plane and add each window's share in window order, so overlapping
// windows (stride < kernel) sum in a fixed order whatever the thread count.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void MaxPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax) =>
        Dispatch(new PoolWork(geometry, Ptr(x), Ptr(y), Ptr(argmax), PoolMode.MaxForward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void MaxPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx) =>
        Dispatch(new PoolWork(geometry, Ptr(dx), Ptr(dy), Ptr(argmax), PoolMode.MaxBackward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void AvgPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y) =>
        Dispatch(new PoolWork(geometry, Ptr(x), Ptr(y), null, PoolMode.AvgForward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    /// <inheritdoc/>
    protected override void AvgPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> dx) =>
        Dispatch(new PoolWork(geometry, Ptr(dx), Ptr(dy), null, PoolMode.AvgBackward),
            batch * geometry.Channels, 1, (long)geometry.InHeight * geometry.InWidth);

    private enum PoolMode { MaxForward, MaxBackward, AvgForward, AvgBackward }

    // Items are planes (sample, channel). input: (planes, H, W) (x, or dx in backward);
    // output: (planes, Ho, Wo) (y, or dy in backward); argmax: (planes, Ho, Wo) for max pooling.
    private readonly struct PoolWork(Pool2dGeometry g, float* input, float* output, int* argmax,
        PoolMode mode) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            // The geometry's derived sizes once, not per window; the mode once per plane.
            int inWidth = g.InWidth, inPlane = g.InHeight * inWidth;
            int outHeight = g.OutHeight, outWidth = g.OutWidth, outPlane = outHeight * outWidth;
            int stride = g.Stride;
            for (int item = begin; item < end; item++)
            {
                float* image = input + (long)item * inPlane;
                float* pooled = output + (long)item * outPlane;
                int* index = argmax + (long)item * outPlane; // unused (null based) for average pooling
                if (mode is PoolMode.MaxBackward or PoolMode.AvgBackward)
                    new Span<float>(image, inPlane).Clear();
                if (mode == PoolMode.MaxBackward)
                {
                    for (int o = 0; o < outPlane; o++) image[index[o]] += pooled[o];
                    continue;
                }
                if (mode == PoolMode.MaxForward && g.Kernel == 2 && stride == 2)
                {
                    MaxWindows2x2(image, inWidth, outHeight, outWidth, pooled, index);
                    continue;
                }
                for (int oh = 0; oh < outHeight; oh++)
                    for (int ow = 0; ow < outWidth; ow++)
                    {
                        int o = oh * outWidth + ow, top = oh * stride, left = ow * stride;
                        switch (mode)
                        {
                            case PoolMode.MaxForward:
                                MaxWindow(image, top, left, pooled + o, index + o);
                                break;
                            case PoolMode.AvgForward: pooled[o] = AvgWindow(image, top, left); break;
                            default: SpreadWindow(image, top, left, pooled[o]); break;
                        }
                    }
            }
        }

        // MaxWindow for the common 2 x 2, stride-2 window, written out: the same comparisons in the same
        // order (so the same maximum, index and NaN handling), without the loops and their index math.
        private static void MaxWindows2x2(float* image, int inWidth, int outHeight, int outWidth,
            float* pooled, int* index)
        {
            for (int oh = 0; oh < outHeight; oh++)
            {
                int rowStart = 2 * oh * inWidth;
                float* best = pooled + oh * outWidth;
                int* where = index + oh * outWidth;
                int ow = 0;
                if (Avx2.IsSupported)
                    for (; ow + 8 <= outWidth; ow += 8)
                        MaxWindows2x2x8(image, inWidth, rowStart + 2 * ow, best + ow, where + ow);
                if (Sse2.IsSupported)
                    for (; ow + 4 <= outWidth; ow += 4)
                        MaxWindows2x2x4(image, inWidth, rowStart + 2 * ow, best + ow, where + ow);
                for (; ow < outWidth; ow++)
                {
                    int p = rowStart + 2 * ow;
                    float max = float.NegativeInfinity;
                    int at = p;
                    Take(image, p, ref max, ref at);
                    Take(image, p + 1, ref max, ref at);
                    Take(image, p + inWidth, ref max, ref at);
                    Take(image, p + inWidth + 1, ref max, ref at);
                    best[ow] = max;
                    where[ow] = at;
                }
            }
        }

        // Eight 2 x 2 windows side by side in vector lanes, with Take's rule lane by lane (so the same
        // maxima and indices): top row a b, bottom row c d, taken in that order after a.
        private static void MaxWindows2x2x8(float* image, int inWidth, int first, float* best, int* where)
        {
            float* top = image + first;
            var (a, b) = Deinterleave(Vector256.Load(top), Vector256.Load(top + 8));
            var (c, d) = Deinterleave(Vector256.Load(top + inWidth), Vector256.Load(top + inWidth + 8));
            var at = Vector256.Create(first) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            var max = a;
            var taken = at;
            Take(b, at + Vector256.Create(1), ref max, ref taken);
            Take(c, at + Vector256.Create(inWidth), ref max, ref taken);
            Take(d, at + Vector256.Create(inWidth + 1), ref max, ref taken);
            max.Store(best);
            taken.Store(where);
        }

        // The same for four windows (narrow planes, such as 8 x 8 pooled to 4 x 4).
        private static void MaxWindows2x2x4(float* image, int inWidth, int first, float* best, int* where)
        {
            float* top = image + first;
            var (a, b) = Deinterleave(Vector128.Load(top), Vector128.Load(top + 4));
            var (c, d) = Deinterleave(Vector128.Load(top + inWidth), Vector128.Load(top + inWidth + 4));
            var at = Vector128.Create(first) + Vector128.Create(0, 2, 4, 6);
            var max = a;
            var taken = at;
            Take(b, at + Vector128.Create(1), ref max, ref taken);
            Take(c, at + Vector128.Create(inWidth), ref max, ref taken);
            Take(d, at + Vector128.Create(inWidth + 1), ref max, ref taken);
            max.Store(best);
            taken.Store(where);
        }

        [System.Runtime.CompilerServices.MethodImpl(
            System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Take(Vector128<float> v, Vector128<int> p, ref Vector128<float> max,
            ref Vector128<int> at)
        {
            var nan = Vector128.Equals(v, v) ^ Vector128<float>.AllBitsSet;
            var maxIsNumber = Vector128.Equals(max, max);
            var take = Vector128.GreaterThan(v, max) | (nan & maxIsNumber);
            max = Vector128.ConditionalSelect(take, v, max);
            at = Vector128.ConditionalSelect(take.AsInt32(), p, at);
        }

        [System.Runtime.CompilerServices.MethodImpl(
            System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Take(Vector256<float> v, Vector256<int> p, ref Vector256<float> max,
            ref Vector256<int> at)
        {
            var nan = Vector256.Equals(v, v) ^ Vector256<float>.AllBitsSet;
            var maxIsNumber = Vector256.Equals(max, max);
            var take = Vector256.GreaterThan(v, max) | (nan & maxIsNumber);
            max = Vector256.ConditionalSelect(take, v, max);
            at = Vector256.ConditionalSelect(take.AsInt32(), p, at);
        }

        // Eight floats x0 y0 ... x3 y3 into x0..x3 and y0..y3.
        [System.Runtime.CompilerServices.MethodImpl(
            System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave(Vector128<float> low,
            Vector128<float> high) =>
            (Sse.Shuffle(low, high, 0b10_00_10_00), Sse.Shuffle(low, high, 0b11_01_11_01));

        // Sixteen floats x0 y0 x1 y1 ... x7 y7 into x0..x7 and y0..y7.
        [System.Runtime.CompilerServices.MethodImpl(
            System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(Vector256<float> low,
            Vector256<float> high)
        {
            // Within 128-bit halves: x0 x1 x4 x5 | x2 x3 x6 x7; then the 64-bit pairs back in order.
            var even = Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble();
            var odd = Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble();
            return (Avx2.Permute4x64(even, 0b11_01_10_00).AsSingle(),
                Avx2.Permute4x64(odd, 0b11_01_10_00).AsSingle());
        }

        // One element of a max window: the first maximum in window order wins; a NaN wins and stays.
        [System.Runtime.CompilerServices.MethodImpl(
            System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Take(float* image, int p, ref float max, ref int at)
        {
            float v = image[p];
            if (v > max || (float.IsNaN(v) && !float.IsNaN(max))) { max = v; at = p; }
        }

        // The first maximum in row-major window order; a NaN wins and stays (as in PyTorch).
        private void MaxWindow(float* image, int top, int left, float* best, int* where)
        {
            float max = float.NegativeInfinity;
            int at = top * g.InWidth + left;
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++)
                    Take(image, (top + i) * g.InWidth + left + j, ref max, ref at);
            *best = max;
            *where = at;
        }

        private float AvgWindow(float* image, int top, int left)
        {
            float sum = 0;
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++) sum += image[(top + i) * g.InWidth + left + j];
            return sum / (g.Kernel * g.Kernel);
        }

        private void SpreadWindow(float* image, int top, int left, float gradient)
        {
            float share = gradient / (g.Kernel * g.Kernel);
            for (int i = 0; i < g.Kernel; i++)
                for (int j = 0; j < g.Kernel; j++) image[(top + i) * g.InWidth + left + j] += share;
        }
    }
}
