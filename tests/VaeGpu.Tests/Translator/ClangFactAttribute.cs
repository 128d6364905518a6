// A fact that is skipped, with the reason, when clang is not installed (it checks the generated C text).
using System.Diagnostics;

namespace VaeGpu.Tests.Translator;

/// <summary>Runs the test only where a clang that can check OpenCL C is on the PATH.</summary>
public sealed class ClangFactAttribute : FactAttribute
{
    public ClangFactAttribute()
    {
        if (Clang.Path is null) Skip = Clang.Missing;
    }
}

/// <summary>Finds and runs clang.</summary>
internal static class Clang
{
    public static readonly string? Path = Find();

    public const string Missing =
        "clang is not installed (apt-get install clang): cannot check the generated C";

    private static string? Find()
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(System.IO.Path.PathSeparator))
        {
            string candidate = System.IO.Path.Combine(dir, "clang");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs clang on <paramref name="source"/> saved as <paramref name="fileName"/>.</summary>
    public static (int ExitCode, string Log) Check(string source, string fileName, params string[] arguments)
    {
        string dir = Directory.CreateTempSubdirectory("vaegpu-clang-").FullName;
        try
        {
            string file = System.IO.Path.Combine(dir, fileName);
            File.WriteAllText(file, source);
            var info = new ProcessStartInfo(Path!)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (string argument in arguments) info.ArgumentList.Add(argument);
            info.ArgumentList.Add(file);
            using Process process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static readonly string[] OpenCLArguments =
        { "-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-fsyntax-only", "-Werror" };
}

/// <summary>A theory skipped, with the reason, when clang is not installed.</summary>
public sealed class ClangTheoryAttribute : TheoryAttribute
{
    public ClangTheoryAttribute()
    {
        if (Clang.Path is null) Skip = Clang.Missing;
    }
}
