// In-memory datasets: images as bytes (Count x Width*Height, row-major) with one label per image.
// Both readers (IDX, LIBSVM) produce these; the training loop uploads Images once and gathers batches.
namespace VaeGpu.Runner.Data;

/// <summary>One split: Count images of Width x Height bytes (row-major) and their labels.</summary>
public sealed record DataSplit(byte[] Images, byte[] Labels, int Count, int Width, int Height, int Classes)
{
    /// <summary>Pixels per image (Width * Height).</summary>
    public int ImageSize => Width * Height;

    /// <summary>This split with an empty Images array (labels and sizes kept).</summary>
    public DataSplit WithoutImages() => this with { Images = [] };
}

/// <summary>A named dataset with its training and test splits.</summary>
public sealed record Dataset(string Name, DataSplit Train, DataSplit Test)
{
    /// <summary>This dataset without its pixels: what a run keeps once they are on the device.</summary>
    public Dataset WithoutImages() =>
        this with { Train = Train.WithoutImages(), Test = Test.WithoutImages() };
}
