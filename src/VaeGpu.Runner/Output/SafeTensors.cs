// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the raw little-endian tensor bytes; offsets are relative to the end of the header. We pad the
// header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace VaeGpu.Runner.Output;

/// <summary>One float32 tensor: its name, shape and row-major data.</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>Thrown when a safetensors file is malformed; the message says what and where.</summary>
public sealed class SafeTensorsFormatException(string message) : IOException(message);

/// <summary>Reads and writes float32 safetensors files.</summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Encodes tensors (in the given order) and optional string metadata.</summary>
    public static byte[] Encode(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string,
        string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            long count = 1;
            foreach (int dim in tensor.Shape)
            {
                if (dim < 0) throw new ArgumentException($"tensor '{tensor.Name}' has a negative dimension");
                count *= dim;
            }
            if (count != tensor.Data.Length)
                throw new ArgumentException(
                    $"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] "
                    + $"but {tensor.Data.Length} values");
            if (!names.Add(tensor.Name) || tensor.Name == "__metadata__")
                throw new ArgumentException($"tensor name '{tensor.Name}' is duplicated or reserved");
        }
        return EncodeCore(tensors, metadata);
    }

    /// <summary>Encodes and writes atomically.</summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Encode(tensors, metadata));

    /// <summary>Reads every tensor (file order) and the metadata of a float32 safetensors file.</summary>
    public static (List<NamedTensor> Tensors, Dictionary<string, string> Metadata) Read(string path) =>
        Decode(File.ReadAllBytes(path), path);

    /// <summary>
    /// Decodes safetensors bytes; <paramref name="source"/> names the data in error messages.
    /// </summary>
    public static (List<NamedTensor> Tensors, Dictionary<string, string> Metadata) Decode(
        byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw new SafeTensorsFormatException(
                $"{source}: {bytes.Length} bytes, too short for safetensors");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > bytes.Length)
            throw new SafeTensorsFormatException(
                $"{source}: header length {headerLength} does not fit in {bytes.Length} bytes");
        var data = bytes.AsMemory(8 + (int)headerLength);
        var tensors = new List<(long Begin, NamedTensor Tensor)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var item in entry.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.GetString() ?? "";
                    continue;
                }
                tensors.Add(ReadTensor(entry, data.Span, source));
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{source}: header is not valid JSON ({e.Message})");
        }
        catch (InvalidOperationException e)
        {
            throw new SafeTensorsFormatException($"{source}: header has an unexpected shape ({e.Message})");
        }
        tensors.Sort((x, y) => x.Begin.CompareTo(y.Begin));
        return (tensors.Select(t => t.Tensor).ToList(), metadata);
    }

    private static (long, NamedTensor) ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string source)
    {
        string dtype = entry.Value.GetProperty("dtype").GetString() ?? "";
        if (dtype != "F32")
            throw new SafeTensorsFormatException(
                $"{source}: tensor '{entry.Name}' has dtype {dtype}, expected F32");
        int[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray()
            .Select(d => d.GetInt64()).ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > data.Length
            || offsets[1] - offsets[0] != count * 4)
            throw new SafeTensorsFormatException(
                $"{source}: tensor '{entry.Name}' offsets [{string.Join(", ", offsets)}] do not match shape "
                + $"[{string.Join(", ", shape)}] within {data.Length} data bytes");
        var values = new float[count];
        var raw = data.Slice((int)offsets[0], (int)(count * 4));
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
        return (offsets[0], new NamedTensor(entry.Name, shape, values));
    }

    private static byte[] EncodeCore(IReadOnlyList<NamedTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var headerStream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(headerStream))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int dim in tensor.Shape) writer.WriteNumberValue(dim);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Data.LongLength * 4;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int padded = ((int)headerStream.Length + 7) / 8 * 8;
        long dataBytes = tensors.Sum(t => t.Data.LongLength * 4);
        var result = new byte[8 + padded + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(result, padded);
        headerStream.GetBuffer().AsSpan(0, (int)headerStream.Length).CopyTo(result.AsSpan(8));
        result.AsSpan(8 + (int)headerStream.Length, padded - (int)headerStream.Length).Fill((byte)' ');
        int position = 8 + padded;
        foreach (var tensor in tensors)
        {
            var bytes = MemoryMarshal.AsBytes(tensor.Data.AsSpan());
            if (BitConverter.IsLittleEndian) bytes.CopyTo(result.AsSpan(position));
            else
                for (int i = 0; i < tensor.Data.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(result.AsSpan(position + i * 4), tensor.Data[i]);
            position += bytes.Length;
        }
        return result;
    }

    /// <summary>Text of the header JSON of an encoded file (for tests and diagnostics).</summary>
    public static string HeaderText(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadInt64LittleEndian(bytes));
}
