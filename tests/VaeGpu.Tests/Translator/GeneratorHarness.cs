// Drives the kernel generator on a C# source string (with VaeGpu.Kernels referenced) and returns its
// diagnostics and generated files, for the diagnostic tests.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VaeGpu.Kernels.Generator;

namespace VaeGpu.Tests.Translator;

internal static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) ||
                Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(VaeGpu.Kernels.Device.KernelAttribute).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    });

    /// <summary>Runs the generator; returns its diagnostics and the generated sources by hint name.</summary>
    public static (IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyDictionary<string, string> Files) Run(
        string source)
    {
        string text = "using System;\nusing VaeGpu.Kernels.Device;\n" + source;
        var compilation = CSharpCompilation.Create("DriverTest",
            new[] { CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest)) },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException(
                "test source does not compile as C#: " + string.Join("; ", errors));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new KernelGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorDriverRunResult result = driver.GetRunResult();
        var files = result.GeneratedTrees.ToDictionary(
            t => Path.GetFileName(t.FilePath), t => t.GetText().ToString());
        var outputErrors = result.Diagnostics.Any()
            ? new List<Diagnostic>()
            : output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (outputErrors.Count > 0)
            throw new InvalidOperationException(
                "generated code does not compile: " + string.Join("; ", outputErrors));
        return (result.Diagnostics, files);
    }
}
