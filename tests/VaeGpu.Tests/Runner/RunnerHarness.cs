// Runs the CLI in-process and captures stdout, stderr and the exit code; helpers that check the
// files a run writes with independent decoders (PIL, else pngcheck) and plain parsing.
using System.Text.Json;
using VaeGpu.Runner.Cli;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Runner;

/// <summary>The result of one in-process runner invocation.</summary>
public sealed record RunnerResult(int Code, string Out, string Err)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

internal static class RunnerHarness
{
    /// <summary>The data folder holding usps/ and mnist/ (parent of TestData's folder).</summary>
    public static string DataDir(string dataset) => Path.GetDirectoryName(TestData.Folder(dataset))!;

    /// <summary>Runs the runner with <paramref name="args"/> in-process.</summary>
    public static RunnerResult Run(CancellationToken cancel, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = new CliApp(stdout, stderr, interactive: false, cancel).Run(args);
        return new RunnerResult(code, stdout.ToString(), stderr.ToString());
    }

    public static RunnerResult Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>
    /// Decodes a PNG independently; returns (mode, width, height) and checks it with pngcheck too.
    /// </summary>
    public static (string Mode, int Width, int Height) DecodePng(string path)
    {
        Assert.True(File.Exists(path), $"{path} missing");
        if (ExternalTool.OnPath("pngcheck") is not null)
        {
            var (code, text, err) = ExternalTool.Run("pngcheck", path);
            Assert.True(code == 0, $"pngcheck rejects {path}: {text} {err}");
        }
        if (ExternalTool.Python is { } python)
        {
            var (code, text, err) = ExternalTool.Run(python, "-c",
                "import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); " +
                "print(im.mode, im.size[0], im.size[1])", path);
            Assert.True(code == 0, $"PIL cannot decode {path}: {err}");
            var parts = text.Trim().Split(' ');
            return (parts[0], int.Parse(parts[1]), int.Parse(parts[2]));
        }
        // No PIL: read the size from IHDR ourselves (pngcheck above validated the structure, if present).
        var bytes = File.ReadAllBytes(path);
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        return (bytes[25] == 0 ? "L" : "RGB", width, height);
    }

    /// <summary>Reads config.json as a JSON document.</summary>
    public static JsonElement Config(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "config.json"))).RootElement.Clone();
}
