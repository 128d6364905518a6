// What a GAN is: kind (gan, lsgan, cgan), image size, classes (cgan), noise width and the hidden
// sizes of D and G. The defaults are the report's and the well-known course assignment's networks:
// D 784-256-256-1 with LeakyReLU(0.01), G 96-1024-1024-784 with ReLU and a Tanh output.
namespace VaeGpu.Layers;

/// <summary>A GAN's architecture: image size, noise width, hidden sizes, seed.</summary>
public sealed record GanConfig(
    ModelKind Kind,
    int InputDim,
    int Classes = 10,
    int Noise = 96,
    int[]? DiscriminatorHidden = null,
    int[]? GeneratorHidden = null,
    ulong Seed = 1)
{
    /// <summary>D's hidden sizes (default 256, 256).</summary>
    public int[] DHidden => DiscriminatorHidden ?? [256, 256];

    /// <summary>G's hidden sizes (default 1024, 1024).</summary>
    public int[] GHidden => GeneratorHidden ?? [1024, 1024];

    /// <summary>True for the conditional GAN.</summary>
    public bool IsConditional => Kind == ModelKind.Cgan;

    /// <summary>Label columns appended to D's and G's inputs (cgan only).</summary>
    public int LabelColumns => IsConditional ? Classes : 0;

    /// <summary>Throws one clear message naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Kind.IsGan()) throw new ArgumentException($"gan config: {Kind} is not a GAN kind");
        if (InputDim <= 0)
            throw new ArgumentException($"gan config: InputDim must be positive, got {InputDim}");
        if (Noise <= 0) throw new ArgumentException($"gan config: Noise must be positive, got {Noise}");
        if (IsConditional && Classes <= 0)
            throw new ArgumentException($"gan config: a cgan needs Classes > 0, got {Classes}");
        if (DHidden.Length == 0 || GHidden.Length == 0 || DHidden.Any(h => h <= 0)
            || GHidden.Any(h => h <= 0))
            throw new ArgumentException("gan config: hidden sizes must be positive and non-empty");
    }

    /// <summary>Short text such as "gan D 784-[256,256]-1 G 96-[1024,1024]-784 seed=1".</summary>
    public override string ToString() =>
        $"{Kind.ToString().ToLowerInvariant()} D {InputDim + LabelColumns}-[{string.Join(",", DHidden)}]-1"
        + $" G {Noise + LabelColumns}-[{string.Join(",", GHidden)}]-{InputDim} seed={Seed}";
}
