// safetensors writer and reader: exact header layout (8-byte little-endian length, JSON with F32 dtype,
// shapes and contiguous data offsets, 8-byte alignment) and a bit-exact round trip of random tensors.
using System.Buffers.Binary;
using System.Text.Json;
using VaeGpu.Runner.Output;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class SafeTensorsTests(ITestOutputHelper output)
{
    [Fact]
    public void RoundTripIsBitExactAndHeaderFollowsTheFormat()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var tensors = new List<NamedTensor>();
        foreach (var (name, shape) in new[] { ("encoder.layers.0.weight", new[] { 7, 13 }),
            ("encoder.layers.0.bias", new[] { 7 }), ("decoder.out.weight", new[] { 1, 1 }),
            ("scalar", new int[0]) })
        {
            long count = shape.Aggregate(1L, (a, d) => a * d);
            var data = new float[count];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 20 - 10);
            tensors.Add(new NamedTensor(name, shape, data));
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" };
        var bytes = SafeTensors.Encode(tensors, metadata);

        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        long dataBytes = tensors.Sum(t => t.Data.LongLength * 4);
        Assert.Equal(8 + headerLength + dataBytes, bytes.Length);
        using var json = JsonDocument.Parse(SafeTensors.HeaderText(bytes));
        long expectedOffset = 0;
        foreach (var tensor in tensors)
        {
            var entry = json.RootElement.GetProperty(tensor.Name);
            Assert.Equal("F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e =>
                e.GetInt64()).ToArray();
            Assert.Equal([expectedOffset, expectedOffset + tensor.Data.Length * 4L], offsets);
            // The raw bytes at the offsets are the little-endian floats.
            for (int i = 0; i < tensor.Data.Length; i++)
            {
                int at = (int)(8 + headerLength + offsets[0] + 4 * i);
                float stored = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at));
                Assert.Equal(BitConverter.SingleToInt32Bits(tensor.Data[i]),
                    BitConverter.SingleToInt32Bits(stored));
            }
            expectedOffset = offsets[1];
        }
        Assert.Equal("3", json.RootElement.GetProperty("__metadata__").GetProperty("epoch").GetString());

        var (read, readMetadata) = SafeTensors.Decode(bytes, "test");
        Assert.Equal(tensors.Select(t => t.Name), read.Select(t => t.Name));
        for (int t = 0; t < tensors.Count; t++)
        {
            Assert.Equal(tensors[t].Shape, read[t].Shape);
            Assert.Equal(tensors[t].Data.Select(BitConverter.SingleToInt32Bits),
                read[t].Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(metadata, readMetadata);
    }

    [Fact]
    public void CorruptFilesGiveAClearError()
    {
        var good = SafeTensors.Encode([new NamedTensor("w", [2, 3], new float[6])]);
        var truncated = good[..^4];
        var error = Assert.Throws<SafeTensorsFormatException>(
            () => SafeTensors.Decode(truncated, "model.safetensors"));
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("'w'", error.Message);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Decode([1, 2, 3], "x"));
        var badLength = (byte[])good.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(badLength, 1L << 40);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Decode(badLength, "x"));
        Assert.Throws<ArgumentException>(
            () => SafeTensors.Encode([new NamedTensor("w", [2, 2], new float[3])]));
    }
}
