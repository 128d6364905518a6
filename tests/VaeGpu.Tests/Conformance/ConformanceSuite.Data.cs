// Data movement, all exact: batch gathers from a byte dataset (pixels / 255) and one-hot labels,
// strided column copies and concatenation, and the memory primitives (Copy, Fill, host copies) on
// views at offsets, for every element type a buffer may hold.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    /// <summary>
    /// pixel / 255 may be computed as pixel * (1/255f) or as a divide: both are within 1 ulp of the exact
    /// quotient, i.e. 2^-23 relative; 2^-22 leaves room.
    /// </summary>
    private const double PixelRtol = 1.0 / (1 << 22);

    [BackendFact]
    public void GatherImagesScalesPixelsOfTheIndexedImages()
    {
        var cases = new[] { (1, 1, 1), (5, 784, 7), (37, 256, 128), (300, 17, 129) };
        foreach (var (images, imageSize, batch) in cases)
        {
            byte[] dataset = Rng.Bytes(images * imageSize);
            // Include the first and last image and repeats.
            int[] indices = Rng.Ints(batch, images);
            indices[0] = images - 1;
            if (batch > 1) indices[^1] = 0;
            var expected = new double[batch * imageSize];
            for (int sample = 0; sample < batch; sample++)
                for (int p = 0; p < imageSize; p++)
                    expected[sample * imageSize + p] = dataset[indices[sample] * imageSize + p] / 255.0;
            // The dataset view is exactly the dataset: guard bytes beyond it are not images.
            var destination = Output0(batch * imageSize);
            Acc.GatherImages(Put(dataset, (byte)0xA5), imageSize, Put(indices, int.MinValue), batch,
                destination);
            Close(destination, expected, new Tolerance(0, PixelRtol),
                $"GatherImages images={images} imageSize={imageSize} batch={batch}");
        }
        CheckGuards();
    }

    [BackendFact]
    public void GatherOneHotBuildsLabelRows()
    {
        var cases = new[] { (1, 1, 1), (10, 10, 7), (500, 10, 128), (33, 26, 129) };
        foreach (var (count, classes, batch) in cases)
        {
            // Labels at or above `classes` (bad data) give an all-zero row, never a write outside it.
            byte[] labels = Array.ConvertAll(Rng.Ints(count, classes + 2), v => (byte)v);
            int[] indices = Rng.Ints(batch, count);
            var expected = new float[batch * classes];
            for (int sample = 0; sample < batch; sample++)
            {
                int label = labels[indices[sample]];
                if (label < classes) expected[sample * classes + label] = 1;
            }
            var destination = Output0(batch * classes);
            Acc.GatherOneHot(Put(labels, (byte)0xA5), Put(indices, int.MinValue), batch, classes,
                destination);
            NumericAssert.Equal<float>(Get(destination), expected,
                $"{Acc.Kind} GatherOneHot classes={classes} batch={batch}", Seed);
        }
        CheckGuards();
    }

    [BackendFact]
    public void CopyColumnsMovesABlockAndNothingElse()
    {
        var cases = new[] { (1, 1, 1, 1), (7, 784, 794, 784), (128, 20, 30, 10), (17, 31, 7, 3) };
        foreach (var (rows, srcCols, dstCols, cols) in cases)
        {
            int srcOffset = Rng.Next(0, srcCols - cols + 1), dstOffset = Rng.Next(0, dstCols - cols + 1);
            float[] source = Rng.Uniform(rows * srcCols, -1, 1), before = Rng.Uniform(rows * dstCols, -1, 1);
            var expected = (float[])before.Clone();
            for (int row = 0; row < rows; row++)
                for (int col = 0; col < cols; col++)
                    expected[row * dstCols + dstOffset + col] = source[row * srcCols + srcOffset + col];
            var destination = Put(before);
            Acc.CopyColumns(Put(source), rows, srcCols, srcOffset, destination, dstCols, dstOffset, cols);
            NumericAssert.Equal<float>(Get(destination), expected,
                $"{Acc.Kind} CopyColumns rows={rows} src {srcCols}@{srcOffset} " +
                $"dst {dstCols}@{dstOffset} cols={cols}", Seed);
        }
        CheckGuards();
    }

    [BackendFact]
    public void ConcatColumnsWritesAThenB()
    {
        foreach (var (rows, aCols, bCols) in new[] { (1, 1, 1), (128, 784, 10), (7, 20, 10), (3, 1, 129) })
        {
            float[] a = Rng.Uniform(rows * aCols, -1, 1), b = Rng.Uniform(rows * bCols, -1, 1);
            var expected = new float[rows * (aCols + bCols)];
            for (int row = 0; row < rows; row++)
            {
                Array.Copy(a, row * aCols, expected, row * (aCols + bCols), aCols);
                Array.Copy(b, row * bCols, expected, row * (aCols + bCols) + aCols, bCols);
            }
            var destination = Output0(expected.Length);
            Acc.ConcatColumns(Put(a), aCols, Put(b), bCols, rows, destination);
            NumericAssert.Equal<float>(Get(destination), expected,
                $"{Acc.Kind} ConcatColumns rows={rows} {aCols}+{bCols}", Seed);
        }
        CheckGuards();
    }

    [BackendFact]
    public void MemoryPrimitivesWorkOnViewsAtOffsets()
    {
        foreach (int n in AwkwardSizes)
        {
            float[] data = Rng.Uniform(n, -1e6f, 1e6f);
            var source = Put(data);
            var destination = Output0(n);
            Acc.Copy(source, destination);
            NumericAssert.Equal<float>(Get(destination), data, $"{Acc.Kind} Copy n={n}", Seed);

            float value = Rng.Uniform(1, -5, 5)[0];
            Acc.Fill(destination, value);
            NumericAssert.Equal<float>(Get(destination), Enumerable.Repeat(value, n).ToArray(),
                $"{Acc.Kind} Fill n={n}", Seed);

            // Host copies into and out of a sub-view: only that range changes.
            int offset = Rng.Next(0, n), length = Rng.Next(1, n - offset + 1);
            float[] patch = Rng.Uniform(length, -1, 1);
            Acc.CopyFromHost<float>(patch, destination.Slice(offset, length));
            var expected = Enumerable.Repeat(value, n).ToArray();
            patch.CopyTo(expected, offset);
            NumericAssert.Equal<float>(Get(destination), expected,
                $"{Acc.Kind} CopyFromHost into [{offset}, +{length}) of {n}", Seed);
            var back = new float[length];
            Acc.CopyToHost(destination.Slice(offset, length), back);
            NumericAssert.Equal<float>(back, patch,
                $"{Acc.Kind} CopyToHost from [{offset}, +{length}) of {n}", Seed);

            int[] ints = Rng.Ints(n, int.MaxValue);
            NumericAssert.Equal<int>(Get(Put(ints, -7)), ints, $"{Acc.Kind} int round trip n={n}", Seed);
            uint[] uints = Array.ConvertAll(Rng.Ints(n, int.MaxValue), v => (uint)v * 2 + 1);
            var uintDestination = Put(new uint[n], 0xDEADBEEF);
            Acc.Copy(Put(uints, 0xFEEDFACE), uintDestination);
            NumericAssert.Equal<uint>(Get(uintDestination), uints, $"{Acc.Kind} uint Copy n={n}", Seed);
            byte[] bytes = Rng.Bytes(n);
            var byteDestination = Put(new byte[n], (byte)0x5A);
            Acc.Copy(Put(bytes, (byte)0xA5), byteDestination);
            NumericAssert.Equal<byte>(Get(byteDestination), bytes, $"{Acc.Kind} byte Copy n={n}", Seed);
        }
        CheckGuards();
    }
}
