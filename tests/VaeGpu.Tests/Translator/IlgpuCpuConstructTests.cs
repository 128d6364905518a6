// (c) on ILGPU's CPU accelerator: the C# semantics of every construct (compiled by ILGPU from IL, the
// same IL the CUDA backend compiles to PTX) against plain float64 code. Always runs: no device needed.
namespace VaeGpu.Tests.Translator;

public sealed class IlgpuCpuConstructTests : IDisposable
{
    private readonly IlgpuCpuBackend _backend = new();

    [Fact]
    public void Axpy() => ConstructChecks.Axpy(_backend);

    [Fact]
    public void MathMix() => ConstructChecks.MathMix(_backend);

    [Fact]
    public void UIntOps() => ConstructChecks.UIntOps(_backend);

    [Fact]
    public void Loops() => ConstructChecks.Loops(_backend);

    [Fact]
    public void Bytes() => ConstructChecks.Bytes(_backend);

    [Fact]
    public void Ids2D() => ConstructChecks.Ids2D(_backend);

    [Fact]
    public void CallsFunctions() => ConstructChecks.CallsFunctions(_backend);

    [Fact]
    public void BlockSum() => ConstructChecks.BlockSum(_backend);

    [Fact]
    public void TiledMatMul() => ConstructChecks.TiledMatMul(_backend);

    [Fact]
    public void BarrierInFunction() => ConstructChecks.BarrierInFunction(_backend);

    [Fact]
    public void PhiloxWords() => ConstructChecks.PhiloxWords(_backend);

    public void Dispose() => _backend.Dispose();
}
