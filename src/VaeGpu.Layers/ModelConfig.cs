// What a model is: kind (vae, cvae, ae), sizes, activation, reconstruction loss, beta and KL warm-up,
// and the seed of its initialization and sampling. Presets reproduce the architectures of the
// reports this project comes from; each names its source.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>Model families.</summary>
public enum ModelKind
{
    /// <summary>Variational autoencoder (beta-VAE when Beta != 1).</summary>
    Vae,
    /// <summary>Conditional VAE: one-hot label after the pixels (encoder) and after z (decoder).</summary>
    Cvae,
    /// <summary>Deterministic autoencoder: z = mu, no KL term.</summary>
    Ae,
    /// <summary>Fully connected GAN, non-saturating BCE loss (see <see cref="GanConfig"/>).</summary>
    Gan,
    /// <summary>Least-squares GAN: the GAN's networks, squared-error losses.</summary>
    Lsgan,
    /// <summary>Conditional GAN: the one-hot label after D's pixels and after the noise.</summary>
    Cgan,
    /// <summary>Deep convolutional GAN: conv D, transposed-conv G with batch norm, the GAN's loss.</summary>
    Dcgan,
}

/// <summary>Questions about a model kind.</summary>
public static class ModelKinds
{
    /// <summary>True for the generative adversarial kinds (gan, lsgan, cgan, dcgan).</summary>
    public static bool IsGan(this ModelKind kind) =>
        kind is ModelKind.Gan or ModelKind.Lsgan or ModelKind.Cgan or ModelKind.Dcgan;

    /// <summary>True for the kinds that take one-hot labels (cvae, cgan).</summary>
    public static bool IsConditional(this ModelKind kind) => kind is ModelKind.Cvae or ModelKind.Cgan;
}

/// <summary>Reconstruction losses, summed over pixels, in nats.</summary>
public enum ReconstructionLoss
{
    /// <summary>Binary cross-entropy on the decoder's logits.</summary>
    Bce,
    /// <summary>Squared error of sigmoid(logits) against the pixels.</summary>
    Mse,
}

/// <summary>A model's architecture and loss settings.</summary>
public sealed partial record ModelConfig(
    ModelKind Kind,
    int InputDim,
    int Classes,
    int[] Encoder,
    int[] Decoder,
    int Latent,
    Activation Activation = Activation.Relu,
    ReconstructionLoss Recon = ReconstructionLoss.Bce,
    float Beta = 1f,
    int KlWarmupEpochs = 0,
    ulong Seed = 1,
    ModelArch Arch = ModelArch.Mlp,
    int[]? ConvChannels = null,
    bool BatchNorm = false,
    ImageShape Image = default)
{
    /// <summary>The default preset: PyTorch's VAE example, 784-400-20.</summary>
    public static ModelConfig Default => Preset("pytorch-vae");

    /// <summary>Preset names with the source each reproduces.</summary>
    public static IReadOnlyList<(string Name, string Source)> Presets { get; } =
    [
        ("pytorch-vae", "pytorch/examples vae/main.py: 784-400-20, ReLU, BCE summed; the default"),
        ("mnist-vae-512-256", "report's MNIST VAE: encoder 512,256 / decoder 256,512, latent 20"),
        ("usps-vae-128-64",
            "report's USPS VAE (16x16 = 256 inputs): encoder 128,64 / decoder 64,128, latent 20"),
        ("mnist-cvae-400", "report's CVAE for MNIST: hidden 400, latent 20, 10 classes"),
        ("usps-cvae-400", "report's CVAE for USPS: 256 inputs, hidden 400, latent 20, 10 classes"),
        ("fc-vae-{H}", "report's FC-VAE: three hidden layers of H (e.g. fc-vae-256), latent 15"),
    ];

    /// <summary>
    /// Builds a preset by name (see <see cref="Presets"/>); throws with the known names otherwise.
    /// </summary>
    public static ModelConfig Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.ToLowerInvariant())
        {
            case "pytorch-vae": case "default": return new(ModelKind.Vae, 784, 0, [400], [400], 20);
            case "mnist-vae-512-256": return new(ModelKind.Vae, 784, 0, [512, 256], [256, 512], 20);
            case "usps-vae-128-64": return new(ModelKind.Vae, 256, 0, [128, 64], [64, 128], 20);
            case "mnist-cvae-400": return new(ModelKind.Cvae, 784, 10, [400], [400], 20);
            case "usps-cvae-400": return new(ModelKind.Cvae, 256, 10, [400], [400], 20);
        }
        const string FcPrefix = "fc-vae-";
        if (name.StartsWith(FcPrefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(FcPrefix.Length), out int hidden) && hidden > 0)
            return new(ModelKind.Vae, 784, 0, [hidden, hidden, hidden], [hidden, hidden, hidden], 15);
        throw new ArgumentException(
            $"unknown model preset '{name}'; expected one of: "
            + string.Join(", ", Presets.Select(p => p.Name)),
            nameof(name));
    }

    /// <summary>Columns of the encoder's input: pixels, plus the one-hot label for a CVAE.</summary>
    public int EncoderInputDim => InputDim + (Kind == ModelKind.Cvae ? Classes : 0);

    /// <summary>Columns of the decoder's input: z, plus the one-hot label for a CVAE.</summary>
    public int DecoderInputDim => Latent + (Kind == ModelKind.Cvae ? Classes : 0);

    /// <summary>True when the model has a KL term (vae and cvae).</summary>
    public bool IsVariational => Kind != ModelKind.Ae;

    /// <summary>
    /// The KL weight after <paramref name="epochs"/> epochs of training (fractional): Beta, ramped linearly
    /// from 0 over the first KlWarmupEpochs epochs when that is positive.
    /// </summary>
    public float KlWeight(double epochs)
    {
        if (!IsVariational) return 0;
        if (KlWarmupEpochs <= 0) return Beta;
        return (float)(Beta * Math.Clamp(epochs / KlWarmupEpochs, 0, 1));
    }

    /// <summary>The KL weight once any warm-up is over: Beta (0 for an autoencoder).</summary>
    public float FinalKlWeight => IsVariational ? Beta : 0;

    /// <summary>Throws one clear message naming the first bad setting.</summary>
    public void Validate()
    {
        if (Kind.IsGan())
            throw new ArgumentException($"model config: {Kind} is a GAN; build it from a GanConfig");
        if (InputDim <= 0)
            throw new ArgumentException($"model config: InputDim must be positive, got {InputDim}");
        if (Latent <= 0) throw new ArgumentException($"model config: Latent must be positive, got {Latent}");
        if (Encoder is null || Decoder is null)
            throw new ArgumentException("model config: Encoder and Decoder lists are required");
        for (int i = 0; i < Encoder.Length; i++)
            if (Encoder[i] <= 0)
                throw new ArgumentException($"model config: Encoder[{i}] must be positive, got {Encoder[i]}");
        for (int i = 0; i < Decoder.Length; i++)
            if (Decoder[i] <= 0)
                throw new ArgumentException($"model config: Decoder[{i}] must be positive, got {Decoder[i]}");
        if (Kind == ModelKind.Cvae && Classes <= 0)
            throw new ArgumentException($"model config: a cvae needs Classes > 0, got {Classes}");
        if (Classes < 0) throw new ArgumentException($"model config: Classes must be >= 0, got {Classes}");
        if (!float.IsFinite(Beta) || Beta < 0)
            throw new ArgumentException($"model config: Beta must be >= 0, got {Beta}");
        if (KlWarmupEpochs < 0)
            throw new ArgumentException($"model config: KlWarmupEpochs must be >= 0, got {KlWarmupEpochs}");
        if (!Enum.IsDefined(Activation))
            throw new ArgumentException($"model config: unknown activation {Activation}");
        if (Arch == ModelArch.Conv && ConvProblem() is { } problem)
            throw new ArgumentException($"model config: {problem}");
    }

    /// <summary>Short text such as "vae 784-[400]-20-[400] relu bce beta=1".</summary>
    public override string ToString() =>
        $"{Kind.ToString().ToLowerInvariant()}{(Arch == ModelArch.Conv ? " conv" + ConvText : "")}"
        + $" {InputDim}-[{string.Join(",", Encoder)}]-{Latent}"
        + $"-[{string.Join(",", Decoder)}]"
        + (Kind == ModelKind.Cvae ? $" classes={Classes}" : "")
        + $" {Activation.ToString().ToLowerInvariant()} {Recon.ToString().ToLowerInvariant()}"
        // An ae has no KL term, so beta and the warm-up mean nothing for it.
        + (Kind == ModelKind.Ae ? ""
            : $" beta={Beta}" + (KlWarmupEpochs > 0 ? $" warmup={KlWarmupEpochs}" : ""))
        + $" seed={Seed}";
}
