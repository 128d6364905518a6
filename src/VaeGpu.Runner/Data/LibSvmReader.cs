// Reader for LIBSVM text as USPS ships it (bzip2 or raw): one image a line, `LABEL 1:v1 ... 256:v256`,
// LABEL = class + 1, values in [-1, 1] (-1 = background), row-major. Omitted features are 0, as in
// LIBSVM's sparse convention. Values map to bytes by round((v + 1) * 127.5): -1 -> 0, 1 -> 255.
// Every bad line is reported with the file, the 1-based line number and the offending token.
using System.Globalization;

namespace VaeGpu.Runner.Data;

/// <summary>Images from a LIBSVM file: Count x Features bytes and Count labels (LABEL - 1).</summary>
public sealed record LibSvmData(byte[] Pixels, byte[] Labels, int Count);

/// <summary>Reads LIBSVM text files of images with values in [-1, 1].</summary>
public static class LibSvmReader
{
    // Values are printed with a few decimals; allow rounding noise of the writer, nothing more.
    private const double RangeSlack = 1e-6;

    /// <summary>Reads <paramref name="path"/> (bzip2, gzip or raw) with <paramref name="features"/> pixels
    /// per line and labels 1..<paramref name="classes"/>.</summary>
    public static LibSvmData Read(string path, int features, int classes) =>
        Parse(path, CompressedFile.ReadAllBytes(path), features, classes);

    /// <summary>Parses decompressed LIBSVM text; <paramref name="name"/> names it in errors.</summary>
    public static LibSvmData Parse(string name, byte[] text, int features, int classes)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, 256);
        var pixels = new List<byte>(capacity: text.Length / 3);
        var labels = new List<byte>();
        var row = new byte[features];
        int lineNumber = 0;
        int position = 0;
        while (position < text.Length)
        {
            int end = Array.IndexOf(text, (byte)'\n', position);
            if (end < 0)
                end = text.Length;
            lineNumber++;
            ReadOnlySpan<byte> line = text.AsSpan(position, end - position).TrimEnd((byte)'\r');
            position = end + 1;
            if (line.Trim(" \t"u8).IsEmpty)
                continue;
            labels.Add(ParseLine(name, lineNumber, line, row, classes));
            pixels.AddRange(row);
        }
        if (labels.Count == 0)
            throw new DataException($"{name}: no data lines; expected LIBSVM text, one image a line: "
                + $"'LABEL 1:v1 ... {features}:v{features}'.");
        return new LibSvmData(pixels.ToArray(), labels.ToArray(), labels.Count);
    }

    private static byte ParseLine(
        string name, int lineNumber, ReadOnlySpan<byte> line, byte[] row, int classes)
    {
        // Omitted features are 0.0, which maps to the mid grey 128.
        Array.Fill(row, ToByte(0.0));
        int features = row.Length;
        int tokenIndex = 0;
        int previousIndex = 0;
        byte label = 0;
        foreach (Range range in line.SplitAny(" \t"u8))
        {
            ReadOnlySpan<byte> token = line[range];
            if (token.IsEmpty)
                continue;
            if (tokenIndex++ == 0)
            {
                label = ParseLabel(name, lineNumber, token, classes);
                continue;
            }
            int colon = token.IndexOf((byte)':');
            if (colon <= 0 || colon == token.Length - 1)
                throw Bad(name, lineNumber, $"bad token '{Text(token)}'; expected 'INDEX:VALUE'");
            if (!int.TryParse(token[..colon], NumberStyles.None, CultureInfo.InvariantCulture,
                              out int index))
                throw Bad(name, lineNumber, $"bad token '{Text(token)}': feature index is not an integer; "
                    + $"expected 'INDEX:VALUE' with INDEX in 1..{features}");
            if (index < 1 || index > features)
                throw Bad(name, lineNumber, $"feature index {index} is outside 1..{features}");
            if (index <= previousIndex)
                throw Bad(name, lineNumber, $"feature index {index} follows {previousIndex}; expected "
                    + "strictly increasing indices");
            previousIndex = index;
            if (!double.TryParse(token[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture,
                                 out double value) || !double.IsFinite(value))
                throw Bad(name, lineNumber, $"bad token '{Text(token)}': value is not a number; "
                    + "expected a decimal in [-1, 1]");
            if (value < -1 - RangeSlack || value > 1 + RangeSlack)
                throw Bad(name, lineNumber, $"value {Text(token[(colon + 1)..])} of feature {index} is "
                    + "outside [-1, 1]");
            row[index - 1] = ToByte(value);
        }
        if (tokenIndex == 0)
            throw Bad(name, lineNumber, "no label; expected 'LABEL 1:v1 2:v2 ...'");
        return label;
    }

    private static byte ParseLabel(string name, int lineNumber, ReadOnlySpan<byte> token, int classes)
    {
        // LIBSVM writers sometimes print integral labels as "7.0"; accept any integral number.
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value != Math.Floor(value))
            throw Bad(name, lineNumber, $"bad label token '{Text(token)}'; expected an integer 1..{classes} "
                + "(LABEL = class + 1)");
        if (value < 1 || value > classes)
            throw Bad(name, lineNumber, $"label {Text(token)} is out of range; expected 1..{classes} "
                + "(LABEL = class + 1)");
        return (byte)(value - 1);
    }

    /// <summary>Maps a value in [-1, 1] to a byte 0..255 by rounding (v + 1) * 127.5.</summary>
    public static byte ToByte(double value) =>
        (byte)Math.Clamp(Math.Round((value + 1.0) * 127.5, MidpointRounding.AwayFromZero), 0, 255);

    private static DataException Bad(string name, int lineNumber, string what) =>
        new($"{name} line {lineNumber}: {what}.");

    private static string Text(ReadOnlySpan<byte> token)
    {
        const int MaxShown = 40;
        string text = System.Text.Encoding.ASCII.GetString(token[..Math.Min(token.Length, MaxShown)]);
        return token.Length > MaxShown ? text + "..." : text;
    }
}
