// (c) on the reference executor: the C# semantics of every construct against plain float64 code.
namespace VaeGpu.Tests.Translator;

public sealed class ReferenceExecutorConstructTests
{
    private static readonly ReferenceBackend Backend = new();

    [Fact]
    public void Axpy() => ConstructChecks.Axpy(Backend);

    [Fact]
    public void MathMix() => ConstructChecks.MathMix(Backend);

    [Fact]
    public void UIntOps() => ConstructChecks.UIntOps(Backend);

    [Fact]
    public void Loops() => ConstructChecks.Loops(Backend);

    [Fact]
    public void Bytes() => ConstructChecks.Bytes(Backend);

    [Fact]
    public void Ids2D() => ConstructChecks.Ids2D(Backend);

    [Fact]
    public void CallsFunctions() => ConstructChecks.CallsFunctions(Backend);

    [Fact]
    public void BlockSum() => ConstructChecks.BlockSum(Backend);

    [Fact]
    public void TiledMatMul() => ConstructChecks.TiledMatMul(Backend);

    [Fact]
    public void BarrierInFunction() => ConstructChecks.BarrierInFunction(Backend);

    [Fact]
    public void PhiloxWords() => ConstructChecks.PhiloxWords(Backend);
}
