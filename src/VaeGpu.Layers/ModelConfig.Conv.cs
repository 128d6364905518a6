// The convolutional variant of a model config: the stride-2 conv channels, optional batch norm and
// the image shape the convolutions see. Encoder and Decoder then hold the one fully connected width
// (--hidden); ConvProblem states the first reason a conv config cannot be built.
namespace VaeGpu.Layers;

/// <summary>How encoder and decoder are built.</summary>
public enum ModelArch
{
    /// <summary>Fully connected layers only (the default).</summary>
    Mlp,
    /// <summary>Stride-2 convolutions, one fully connected layer, transposed convolutions back.</summary>
    Conv,
}

public sealed partial record ModelConfig
{
    /// <summary>The conv channels in effect: ConvChannels, or PyTorch-example widths 32,64.</summary>
    public int[] Channels => ConvChannels ?? [32, 64];

    /// <summary>The image shape in effect: Image, or one channel of a square InputDim.</summary>
    public ImageShape ImageShapeOrSquare
    {
        get
        {
            if (Image.IsValid) return Image;
            int side = (int)Math.Round(Math.Sqrt(InputDim));
            return new ImageShape(1, side, side);
        }
    }

    private string ConvText =>
        $" channels={string.Join(",", Channels)}{(BatchNorm ? " batch-norm" : "")}";

    /// <summary>Null when a conv model of this config can be built, else why not (one line).</summary>
    public string? ConvProblem()
    {
        var image = ImageShapeOrSquare;
        if (!image.IsValid || image.Size != InputDim)
            return $"conv needs an image shape of {InputDim} pixels, got {image}";
        int[] channels = Channels;
        if (channels.Length == 0) return "conv needs at least one channel count";
        foreach (int c in channels)
            if (c <= 0) return $"conv channels must be positive, got {string.Join(",", channels)}";
        int factor = 1 << channels.Length;
        if (image.Height % factor != 0 || image.Width % factor != 0)
            return $"conv with {channels.Length} stride-2 layers needs an image size divisible by "
                + $"{factor}, got {image.Height}x{image.Width}";
        if (Encoder.Length != 1 || Decoder.Length != 1 || Encoder[0] != Decoder[0])
            return "conv has one fully connected width (--hidden); encoder and decoder lists do not "
                + $"apply, got encoder {string.Join(",", Encoder)} decoder {string.Join(",", Decoder)}";
        return null;
    }
}
