// (c) Every supported construct, as a test kernel, against plain float64 / integer code written here.
// The same checks run on ILGPU's CPU accelerator (the C# semantics, compiled from IL) and on OpenCL
// (where the OpenCL backend also compares with ILGPU's CPU accelerator). Inputs are fresh random
// numbers; the seed is printed on failure.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Random;

namespace VaeGpu.Tests.Translator;

public static class ConstructChecks
{
    private static readonly int[] Sizes = { 1, 2, 7, 31, 64, 65, 257, 1000 };

    private static (int Seed, Random Random) Seeded()
    {
        int seed = Random.Shared.Next();
        return (seed, new Random(seed));
    }

    private static float[] Floats(Random random, int n, float low, float high) =>
        Enumerable.Range(0, n).Select(_ => low + (high - low) * random.NextSingle()).ToArray();

    public static void Axpy(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            float a = random.NextSingle() * 4 - 2;
            float[] x = Floats(random, n + 3, -1, 1), y = Floats(random, n + 5, -1, 1);
            double[] expected = Enumerable.Range(0, n).Select(i => (double)a * x[3 + i] + y[2 + i]).ToArray();
            float[] before = (float[])y.Clone();
            backend.Run("Axpy", LaunchDims.Cover(n, 64), new Array[] { y, x }, new[] { 2, 3 },
                (l, v) => ElementwiseKernels.LaunchAxpy(l, LaunchDims.Cover(n, 64), v.F(0), v.F(1), a, n));
            Compare.Close($"Axpy n={n} seed={seed}", expected, y, 1e-6, 1e-6, offset: 2);
            Compare.Equal($"Axpy leaves the elements outside the view, seed={seed}", before[..2], y);
            Compare.Equal($"Axpy tail, seed={seed}", before[(2 + n)..], y, offset: 2 + n);
        }
    }

    public static void MathMix(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            float[] input = Floats(random, n, -3, 3), output = new float[n + 1];
            double[] expected = input.Select(f =>
            {
                double v = f;
                double r = Math.Exp(-Math.Abs(v)) + Math.Log(1 + v * v) + Math.Log(1 + Math.Abs(v));
                r += Math.Sqrt(Math.Abs(v)) + Math.Tanh(v) + Math.Cos(v) * Math.Sin(v);
                r += Math.Max(v, 0.25) - Math.Min(v, -0.25) + (v * 2 + 1);
                r += Math.Pow(Math.Abs(v) + 1, 1.5) + Math.Floor(v) + Math.Ceiling(v);
                r += v > 0 ? 0.5 : -0.5;
                return r + v % 0.75;
            }).ToArray();
            backend.Run("MathMix", LaunchDims.Cover(n, 32), new Array[] { output, input }, new[] { 1, 0 },
                (l, v) => ElementwiseKernels.LaunchMathMix(l, LaunchDims.Cover(n, 32), v.F(0), v.F(1), n));
            Compare.Close($"MathMix n={n} seed={seed}", expected, output, 2e-5, 2e-5, offset: 1);
        }
    }

    public static void UIntOps(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            uint[] input = Enumerable.Range(0, n).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray();
            int[] shifts = Enumerable.Range(0, n).Select(_ => random.Next(-40, 41)).ToArray();
            uint[] output = new uint[n];
            uint[] expected = new uint[n];
            for (int i = 0; i < n; i++)
            {
                ulong v = input[i];
                int s = shifts[i];
                ulong h = ((v * 0xD2511F53UL) >> 32) ^ ((v * 0xCD9E8D57UL) & 0xFFFFFFFF);
                h = (h + 0x9E3779B9UL) & 0xFFFFFFFF;
                h ^= ((v << (s & 31)) & 0xFFFFFFFF) | (v >> ((s + 7) & 31));
                long arithmetic = (v >= 0x80000000UL ? (long)v - (1L << 32) : (long)v) >> (s & 7);
                h ^= (ulong)arithmetic & 0xFFFFFFFF;
                h ^= v >> 9;
                h = (h - (ulong)(uint)s) & 0xFFFFFFFF;
                h = (h >> 1) | ((h & 1) << 31);
                long signed = (h >= 0x80000000UL ? (long)h - (1L << 32) : (long)h) >> 3;
                long sum = signed + 6 + (long)(v % 7) + (long)Math.Truncate(s / 3.0) + (-s) % 5;
                expected[i] = (uint)(sum & 0xFFFFFFFF);
            }
            var dims = LaunchDims.Cover(n, 64);
            backend.Run("UIntOps", dims, new Array[] { output, input, shifts }, new[] { 0, 0, 0 },
                (l, v) => ElementwiseKernels.LaunchUIntOps(l, dims, v.U(0), v.U(1), v.I(2), n));
            Compare.Equal($"UIntOps n={n} seed={seed}", expected, output);
        }
    }

    public static void Loops(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            int[] counts = Enumerable.Range(0, n).Select(_ => random.Next(0, 61)).ToArray();
            float[] output = new float[n];
            double[] expected = counts.Select(count =>
            {
                double sum = 0;
                for (int j = 0; j < count; j++)
                {
                    if (j % 3 == 1) continue;
                    if (j > 40 && sum >= 0) break;
                    sum += j * 0.5;
                }
                int w = count;
                while (w > 0) { sum -= 0.25; w -= 2; }
                do { sum *= 1.0625; w++; } while (w < 3);
                int x = (((5 << 2) | 3) ^ count) % 11;
                bool odd = count % 2 == 1 || count == 6;
                return sum + x + (odd ? 1 : 0) + (-count / 4);
            }).ToArray();
            backend.Run("Loops", LaunchDims.Cover(n, 16), new Array[] { output, counts }, new[] { 0, 0 },
                (l, v) => ElementwiseKernels.LaunchLoops(l, LaunchDims.Cover(n, 16), v.F(0), v.I(1), n));
            Compare.Close($"Loops n={n} seed={seed}", expected, output, 1e-5, 1e-6);
        }
    }

    public static void Bytes(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            byte[] pixels = new byte[n + 4];
            random.NextBytes(pixels);
            byte[] flags = new byte[n];
            float[] output = new float[n];
            double[] expected = pixels.Skip(4).Select(p => p / 255.0 + (p > 127 ? 1 : 0)).ToArray();
            byte[] expectedFlags = pixels.Skip(4).Select(p => (byte)((p + 3) % 256)).ToArray();
            var dims = LaunchDims.Cover(n, 64);
            backend.Run("Bytes", dims, new Array[] { output, pixels, flags }, new[] { 0, 4, 0 },
                (l, v) => ElementwiseKernels.LaunchBytes(l, dims, v.F(0), v.B(1), v.B(2), n));
            Compare.Close($"Bytes n={n} seed={seed}", expected, output, 1e-7, 1e-6);
            Compare.Equal($"Bytes flags n={n} seed={seed}", expectedFlags, flags);
        }
    }

    public static void Ids2D(KernelBackend backend)
    {
        var shapes = new[] { (1, 1, 1, 1), (37, 11, 8, 4), (16, 16, 16, 1), (5, 23, 2, 8) };
        foreach (var (width, height, lx, ly) in shapes)
        {
            var dims = LaunchDims.Cover(width, height, lx, ly);
            int groupsX = dims.GlobalX / lx, groupsY = dims.GlobalY / ly;
            int[] output = new int[width * height];
            int[] expected = new int[width * height];
            for (int row = 0; row < height; row++)
            for (int col = 0; col < width; col++)
                expected[row * width + col] = col / lx + 10 * (row / ly) + 100 * (col % lx)
                    + 1000 * (row % ly) + 10000 * (lx + ly) + 100000 * (groupsX + groupsY)
                    + 1000000 * ((dims.GlobalX + dims.GlobalY) % 100);
            backend.Run("Ids2D", dims, new Array[] { output }, new[] { 0 },
                (l, v) => ElementwiseKernels.LaunchIds2D(l, dims, v.I(0), width, height));
            Compare.Equal($"Ids2D {width}x{height} groups {lx}x{ly}", expected, output);
        }
    }

    public static void CallsFunctions(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in Sizes)
        {
            float[] input = Floats(random, n, -30, 30), output = new float[n];
            double[] expected = Enumerable.Range(0, n).Select(i =>
            {
                double x = input[i];
                double softplus = x > 20 ? x : Math.Log(1 + Math.Exp(x));
                double left = i > 0 ? input[i - 1] : 0, right = i + 1 < n ? input[i + 1] : 0;
                return softplus + 0.5 * (left + right);
            }).ToArray();
            var dims = LaunchDims.Cover(n, 64);
            backend.Run("CallsFunctions", dims, new Array[] { output, input }, new[] { 0, 0 },
                (l, v) => ElementwiseKernels.LaunchCallsFunctions(l, dims, v.F(0), v.F(1), n));
            Compare.Close($"CallsFunctions n={n} seed={seed}", expected, output, 1e-5, 1e-5);
        }
    }

    public static void BlockSum(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int n in new[] { 1, 63, 64, 65, 1000 })
        {
            var dims = LaunchDims.Cover(n, SharedKernels.GroupItems);
            int groups = dims.GlobalX / SharedKernels.GroupItems;
            float[] input = Floats(random, n, -1, 1), partial = new float[groups];
            const int size = SharedKernels.GroupItems;
            double[] expected = Enumerable.Range(0, groups)
                .Select(g => input.Skip(g * size).Take(size).Sum(v => (double)v)).ToArray();
            backend.Run("BlockSum", dims, new Array[] { partial, input }, new[] { 0, 0 },
                (l, v) => SharedKernels.LaunchBlockSum(l, dims, v.F(0), v.F(1), n));
            Compare.Close($"BlockSum n={n} seed={seed}", expected, partial, 1e-5, 1e-5);
        }
    }

    public static void TiledMatMul(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        const int tile = SharedKernels.Tile, wpt = SharedKernels.Wpt;
        var shapes = new[] { (1, 1, 1), (17, 33, 19), (64, 48, 40), (5, 70, 3), (31, 7, 53) };
        foreach (var (m, n, depth) in shapes)
        {
            float[] a = Floats(random, m * depth, -1, 1), b = Floats(random, depth * n, -1, 1);
            float[] c = new float[m * n];
            double[] expected = new double[m * n];
            for (int row = 0; row < m; row++)
            for (int col = 0; col < n; col++)
            {
                double sum = 0;
                for (int i = 0; i < depth; i++) sum += (double)a[row * depth + i] * b[i * n + col];
                expected[row * n + col] = sum;
            }
            var dims = new LaunchDims((n + tile - 1) / tile * (tile / wpt), (m + tile - 1) / tile * tile,
                tile / wpt, tile);
            backend.Run("TiledMatMul", dims, new Array[] { c, a, b }, new[] { 0, 0, 0 },
                (l, v) => SharedKernels.LaunchTiledMatMul(l, dims, v.F(0), v.F(1), v.F(2), m, n, depth));
            Compare.Close($"TiledMatMul {m}x{n}x{depth} seed={seed}", expected, c,
                1e-5 * Math.Sqrt(depth), 1e-5);
        }
    }

    public static void BarrierInFunction(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        const int group = SharedKernels.GroupItems;
        float[] input = Floats(random, 3 * group, -1, 1), output = new float[3 * group];
        double[] expected = Enumerable.Range(0, 3 * group)
            .Select(i => (double)input[i / group * group + group - 1 - i % group]).ToArray();
        var dims = LaunchDims.Cover(3 * group, group);
        backend.Run("BarrierInFunction", dims, new Array[] { output, input }, new[] { 0, 0 },
            (l, v) => SharedKernels.LaunchBarrierInFunction(l, dims, v.F(0), v.F(1)));
        Compare.Close($"BarrierInFunction seed={seed}", expected, output, 0, 0);
    }

    public static void PhiloxWords(KernelBackend backend)
    {
        var (seed, random) = Seeded();
        foreach (int blocks in new[] { 1, 5, 129 })
        {
            uint key0 = (uint)random.NextInt64(0, 1L << 32), key1 = (uint)random.NextInt64(0, 1L << 32);
            uint[] output = new uint[4 * blocks], expected = new uint[4 * blocks];
            for (int block = 0; block < blocks; block++)
            {
                var (x0, x1, x2, x3) = Philox.Generate((uint)block, 0, 7, 0, key0, key1);
                int at = 4 * block;
                (expected[at], expected[at + 1], expected[at + 2], expected[at + 3]) = (x0, x1, x2, x3);
            }
            var dims = LaunchDims.Cover(blocks, 32);
            backend.Run("PhiloxWords", dims, new Array[] { output }, new[] { 0 },
                (l, v) => SharedKernels.LaunchPhiloxWords(l, dims, v.U(0), key0, key1, blocks));
            Compare.Equal($"PhiloxWords blocks={blocks} seed={seed}", expected, output);
        }
    }
}
