// (c) on OpenCL (PoCL in CI): the translated kernels against plain float64 code and, run by run, against
// ILGPU's CPU accelerator. Skipped, with the reason, where no OpenCL device exists.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.OpenCL;
using TestsGenerated = VaeGpu.Tests.Generated.GeneratedKernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Translator;

[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLConstructTests : IDisposable
{
    private readonly Lazy<OpenCLBackend> _backend = new(() => new OpenCLBackend());

    private OpenCLBackend Backend => _backend.Value;

    [BackendFact]
    public void Axpy() => ConstructChecks.Axpy(Backend);

    [BackendFact]
    public void MathMix() => ConstructChecks.MathMix(Backend);

    [BackendFact]
    public void UIntOps() => ConstructChecks.UIntOps(Backend);

    [BackendFact]
    public void Loops() => ConstructChecks.Loops(Backend);

    [BackendFact]
    public void Bytes() => ConstructChecks.Bytes(Backend);

    [BackendFact]
    public void Ids2D() => ConstructChecks.Ids2D(Backend);

    [BackendFact]
    public void CallsFunctions() => ConstructChecks.CallsFunctions(Backend);

    [BackendFact]
    public void BlockSum() => ConstructChecks.BlockSum(Backend);

    [BackendFact]
    public void TiledMatMul() => ConstructChecks.TiledMatMul(Backend);

    [BackendFact]
    public void BarrierInFunction() => ConstructChecks.BarrierInFunction(Backend);

    [BackendFact]
    public void PhiloxWords() => ConstructChecks.PhiloxWords(Backend);

    /// <summary>A tile size overridden at build time (-D) changes the device code, correctly.</summary>
    [BackendFact]
    public void OverriddenTileConstantRunsWithItsOwnGeometry()
    {
        const int tile = 8, wpt = SharedKernels.Wpt, m = 19, n = 13, depth = 21;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        float[] a = Enumerable.Range(0, m * depth).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, depth * n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        double[] expected = new double[m * n];
        for (int row = 0; row < m; row++)
        for (int col = 0; col < n; col++)
            for (int i = 0; i < depth; i++)
                expected[row * n + col] += (double)a[row * depth + i] * b[i * n + col];

        using var accelerator = (OpenCLAccelerator)OpenCLAccelerator.Create(0);
        var module = accelerator.LoadModule(TestsGenerated.OpenCLProgram, TestsGenerated.All,
            OpenCLAccelerator.BuildOptions + " -DSHARED_KERNELS_TILE=" + tile);
        using var aBuffer = accelerator.Upload<float>(a);
        using var bBuffer = accelerator.Upload<float>(b);
        using var cBuffer = accelerator.Allocate<float>(m * n);
        var dims = new LaunchDims((n + tile - 1) / tile * (tile / wpt), (m + tile - 1) / tile * tile,
            tile / wpt, tile);
        SharedKernels.LaunchTiledMatMul(module, dims, cBuffer, aBuffer, bBuffer, m, n, depth);
        Compare.Close($"TiledMatMul with -DSHARED_KERNELS_TILE={tile}, seed={seed}", expected,
            accelerator.ToArray(cBuffer.View), 1e-5, 1e-5);
    }

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}
