// (c) on OpenCL (PoCL in CI): the translated kernels against plain float64 code and, run by run, against
// the reference executor. Skipped, with the reason, where no OpenCL device exists.
using VaeGpu.Tests.OpenCL;

namespace VaeGpu.Tests.Translator;

public sealed class OpenCLConstructTests : IDisposable
{
    private readonly Lazy<OpenCLBackend> _backend = new(() => new OpenCLBackend());

    private OpenCLBackend Backend => _backend.Value;

    [OpenCLFact]
    public void Axpy() => ConstructChecks.Axpy(Backend);

    [OpenCLFact]
    public void MathMix() => ConstructChecks.MathMix(Backend);

    [OpenCLFact]
    public void UIntOps() => ConstructChecks.UIntOps(Backend);

    [OpenCLFact]
    public void Loops() => ConstructChecks.Loops(Backend);

    [OpenCLFact]
    public void Bytes() => ConstructChecks.Bytes(Backend);

    [OpenCLFact]
    public void Ids2D() => ConstructChecks.Ids2D(Backend);

    [OpenCLFact]
    public void CallsFunctions() => ConstructChecks.CallsFunctions(Backend);

    [OpenCLFact]
    public void BlockSum() => ConstructChecks.BlockSum(Backend);

    [OpenCLFact]
    public void TiledMatMul() => ConstructChecks.TiledMatMul(Backend);

    [OpenCLFact]
    public void BarrierInFunction() => ConstructChecks.BarrierInFunction(Backend);

    [OpenCLFact]
    public void PhiloxWords() => ConstructChecks.PhiloxWords(Backend);

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}
