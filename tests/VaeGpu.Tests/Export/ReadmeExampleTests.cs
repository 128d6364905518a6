// The README's "Export to ONNX" examples run as written: the C# program shown there is the file in
// docs/examples/onnx-samples, and compiled (Roslyn, the SDK's implicit usings) and run on an exported
// decoder it writes the PGM grid our own decoder gives for the same draws. The Python one-liner runs
// where a python3 with numpy and onnxruntime exists, and is skipped with that reason elsewhere.
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.OnnxRuntime;
using VaeGpu.Kernels;
using VaeGpu.Runner.Export;

namespace VaeGpu.Tests.Export;

public sealed class ReadmeExampleTests
{
    private const string SectionTitle = "## Export to ONNX";
    private const int GridSide = 8; // the program's n

    [Fact]
    public void ReadmeShowsTheExampleProgramAsWritten()
    {
        string program = File.ReadAllText(ExampleProgramPath).ReplaceLineEndings("\n");
        var block = ReadmeBlock(l => l.StartsWith("    // Decodes 64 draws", StringComparison.Ordinal));
        Assert.Equal(program.TrimEnd('\n'), block);
    }

    [Fact]
    public void ExampleProgramWritesTheGridOurDecoderGives()
    {
        using var temp = new TempFolder("onnx");
        var (dir, config) = OnnxTestRuns.Make(temp, "vae", "leaky-relu", (ulong)System.Random.Shared.Next());
        string onnx = OnnxExporter.Export(dir, ExportPart.Decoder).Path;
        string pgm = Path.Combine(dir, "samples.pgm");
        var main = Compile(File.ReadAllText(ExampleProgramPath));
        main.Invoke(null, [new[] { onnx, pgm }]);

        int n = GridSide, w = config.ImageWidth, h = config.ImageHeight;
        byte[] header = System.Text.Encoding.ASCII.GetBytes($"P5 {n * w} {n * h} 255\n");
        byte[] file = File.ReadAllBytes(pgm);
        Assert.Equal(header, file[..header.Length]);
        Assert.Equal(header.Length + n * w * n * h, file.Length);

        // The same draws as the program (Random(1), Box-Muller), decoded by our own model.
        var random = new System.Random(1);
        var z = new float[n * n * config.Latent];
        for (int i = 0; i < z.Length; i++)
            z[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()))
                * Math.Cos(2 * Math.PI * random.NextDouble()));
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using var model = OnnxTestRuns.Load(acc, dir, config, n * n);
        using var zBuffer = acc.Upload<float>(z);
        var images = acc.ToArray(model.Decode(zBuffer, default, n * n).View); // (64, 35)
        int worst = 0;
        for (int y = 0; y < n * h; y++)
            for (int x = 0; x < n * w; x++)
            {
                float pixel = images[(y / h * n + x / w) * h * w + y % h * w + x % w];
                int expected = (int)Math.Round(255 * pixel);
                worst = Math.Max(worst, Math.Abs(file[header.Length + y * n * w + x] - expected));
            }
        Assert.InRange(worst, 0, 1); // a ~1e-7 float difference may cross a rounding boundary, no more
        Assert.True(file.Skip(header.Length).Distinct().Count() > 10, "the grid is (nearly) uniform");
    }

    [PythonOnnxFact]
    public void PythonOneLinerPrintsTheDecodedShape()
    {
        using var temp = new TempFolder("onnx");
        var (dir, config) = OnnxTestRuns.Make(temp, "vae", "tanh", 11);
        OnnxExporter.Export(dir, ExportPart.Decoder); // dir/decoder.onnx, the name the one-liner opens
        string line = ReadmeBlock(l => l.StartsWith("    python3 -c \"", StringComparison.Ordinal));
        Assert.DoesNotContain("\n", line);
        string code = line[(line.IndexOf('"') + 1)..line.LastIndexOf('"')];
        var info = new ProcessStartInfo(PythonOnnxFactAttribute.Python!)
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        using var process = Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "python ran over 60 s");
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal($"(16, {config.InputDim})", stdout.Trim());
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null;
                folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "VaeGpu.sln"))) return folder.FullName;
            throw new InvalidOperationException($"no VaeGpu.sln above {AppContext.BaseDirectory}");
        }
    }

    private static string ExampleProgramPath =>
        Path.Combine(RepositoryRoot, "docs", "examples", "onnx-samples", "Program.cs");

    /// <summary>The indented code block of the README's export section that starts at a matching line,
    /// without its four-space indent.</summary>
    private static string ReadmeBlock(Predicate<string> isFirstLine)
    {
        var lines = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n")
            .Split('\n');
        int section = Array.IndexOf(lines, SectionTitle);
        Assert.True(section >= 0, $"README has no '{SectionTitle}' section");
        int start = Array.FindIndex(lines, section, isFirstLine);
        Assert.True(start >= 0, "README's export section lacks the example");
        var block = new List<string>();
        for (int i = start; i < lines.Length && (lines[i].Length == 0 || lines[i].StartsWith("    ")); i++)
            block.Add(lines[i].Length == 0 ? "" : lines[i][4..]);
        return string.Join("\n", block).TrimEnd('\n');
    }

    /// <summary>Compiles a top-level-statements program the way the example's csproj does (implicit usings,
    /// nullable on, ONNX Runtime referenced); fails on any warning; returns its entry point.</summary>
    private static MethodInfo Compile(string source)
    {
        const string ImplicitUsings = "global using System; global using System.Collections.Generic; "
            + "global using System.IO; global using System.Linq; global using System.Net.Http; "
            + "global using System.Threading; global using System.Threading.Tasks;";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = trusted.Split(Path.PathSeparator)
            .Append(typeof(InferenceSession).Assembly.Location)
            .DistinctBy(Path.GetFileName)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("OnnxSamples",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(source, parse)],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(emit.Success && problems.Count == 0, string.Join("\n", problems));
        stream.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(stream);
        return assembly.EntryPoint ?? throw new InvalidOperationException("the example has no entry point");
    }
}
