// What a GAN is: kind (gan, lsgan, cgan, dcgan), image size, classes (cgan), noise width and the
// sizes of D and G. The defaults are the report's and the well-known course assignment's networks:
// D 784-256-256-1 with LeakyReLU(0.01), G 96-1024-1024-784 with ReLU and a Tanh output; the dcgan's
// D has conv channels 32, 64 and G one Linear width 1024 and transposed-conv channels 128, 64.
namespace VaeGpu.Layers;

/// <summary>A GAN's architecture: image size, noise width, hidden sizes, seed.</summary>
public sealed record GanConfig(
    ModelKind Kind,
    int InputDim,
    int Classes = 10,
    int Noise = 96,
    int[]? DiscriminatorHidden = null,
    int[]? GeneratorHidden = null,
    ulong Seed = 1,
    ImageShape Image = default,
    int[]? DiscriminatorChannels = null,
    int[]? GeneratorChannels = null)
{
    /// <summary>D's hidden sizes (default 256, 256; unused by the dcgan, whose width follows the
    /// image).</summary>
    public int[] DHidden => DiscriminatorHidden ?? [256, 256];

    /// <summary>G's hidden sizes (default 1024, 1024; the dcgan's one Linear width, default 1024).</summary>
    public int[] GHidden => GeneratorHidden ?? (IsConvolutional ? [1024] : [1024, 1024]);

    /// <summary>The dcgan D's two Conv2d output channels (default 32, 64).</summary>
    public int[] DChannels => DiscriminatorChannels ?? [32, 64];

    /// <summary>The dcgan G's channels before each ConvTranspose2d (default 128, 64).</summary>
    public int[] GChannels => GeneratorChannels ?? [128, 64];

    /// <summary>True for the conditional GAN.</summary>
    public bool IsConditional => Kind == ModelKind.Cgan;

    /// <summary>True for the dcgan (convolutional D and G).</summary>
    public bool IsConvolutional => Kind == ModelKind.Dcgan;

    /// <summary>Label columns appended to D's and G's inputs (cgan only).</summary>
    public int LabelColumns => IsConditional ? Classes : 0;

    /// <summary>The image shape in effect: Image, or one channel of a square InputDim.</summary>
    public ImageShape ImageOrSquare
    {
        get
        {
            if (Image.IsValid) return Image;
            int side = (int)Math.Round(Math.Sqrt(InputDim));
            return new ImageShape(1, side, side);
        }
    }

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
        if (IsConvolutional && ConvProblem() is { } problem) throw new ArgumentException(problem);
    }

    /// <summary>Null when the dcgan's layers fit the image, else why not (one line).</summary>
    public string? ConvProblem()
    {
        var image = ImageOrSquare;
        if (!image.IsValid || image.Size != InputDim)
            return $"dcgan needs an image shape of {InputDim} pixels, got {image}";
        if (GHidden.Length != 1 || DChannels.Length != 2 || GChannels.Length != 2
            || DChannels.Any(c => c <= 0) || GChannels.Any(c => c <= 0))
            return "dcgan has one G Linear width and two positive conv channel counts in D and in G";
        if (image.Height % 4 != 0 || image.Width % 4 != 0)
            return $"dcgan: G's two stride-2 transposed convolutions need an image size divisible by 4, "
                + $"got {image.Height}x{image.Width}";
        // D: Conv2d(5) MaxPool2d(2) Conv2d(5) MaxPool2d(2) shrinks each side s to ((s - 4) / 2 - 4) / 2.
        int h = DSide(image.Height), w = DSide(image.Width);
        if (h < 1 || w < 1)
            return $"dcgan: D's two 5x5 convolutions and 2x2 poolings need images of at least 16x16, "
                + $"got {image.Height}x{image.Width}";
        return null;
    }

    /// <summary>One side after D's Conv2d(5) MaxPool2d(2) Conv2d(5) MaxPool2d(2); below 1 when too
    /// small.</summary>
    public static int DSide(int side)
    {
        int afterFirst = side - 4 >= 2 ? (side - 4) / 2 : 0;
        return afterFirst - 4 >= 2 ? (afterFirst - 4) / 2 : 0;
    }

    /// <summary>Short text such as "gan D 784-[256,256]-1 G 96-[1024,1024]-784 seed=1".</summary>
    public override string ToString()
    {
        string kind = Kind.ToString().ToLowerInvariant();
        if (IsConvolutional)
        {
            var image = ImageOrSquare;
            return $"{kind} D conv {string.Join(",", DChannels)} on {image} G {Noise}-{GHidden[0]}-conv "
                + $"{string.Join(",", GChannels)}-{image} seed={Seed}";
        }
        return $"{kind} D {InputDim + LabelColumns}-[{string.Join(",", DHidden)}]-1"
            + $" G {Noise + LabelColumns}-[{string.Join(",", GHidden)}]-{InputDim} seed={Seed}";
    }
}
