// (c) on OpenCL (PoCL in CI): the translated kernels against plain float64 code and, run by run, against
// the reference executor. Skipped, with the reason, where no OpenCL device exists.
using VaeGpu.Kernels;
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

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}
