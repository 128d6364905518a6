// The shape of one row of a batch as a layer sees it: (C, H, W) in NCHW order inside the row. Fully
// connected layers see (features, 1, 1), so Linear and Conv2d compose through Flatten/Unflatten,
// which change only this shape, never the memory.
namespace VaeGpu.Layers;

/// <summary>Channels, height and width of one sample; a flat feature vector is (features, 1, 1).</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>A flat vector of <paramref name="features"/> values.</summary>
    public static ImageShape Flat(int features) => new(features, 1, 1);

    /// <summary>Elements per sample: C H W.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>True for (features, 1, 1).</summary>
    public bool IsFlat => Height == 1 && Width == 1;

    /// <summary>True when every dimension is positive.</summary>
    public bool IsValid => Channels > 0 && Height > 0 && Width > 0
        && (long)Channels * Height * Width <= int.MaxValue;

    /// <summary>"784 features" or "(32, 14, 14)".</summary>
    public override string ToString() => IsFlat ? $"{Channels} features" : $"({Channels}, {Height}, {Width})";
}
