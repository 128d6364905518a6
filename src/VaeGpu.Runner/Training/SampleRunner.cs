// The sample service: decodes draws z ~ N(0, I) of a trained model (with a fixed label for a CVAE)
// into a PNG grid, on the accelerator and device asked for.
using VaeGpu.Kernels;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>What to sample: the run, how many, which label, where to, and which draw.</summary>
public sealed record SampleRequest(string RunDir, int Count, int? Label, string? OutFile, long Seed,
    AcceleratorKind Accelerator, int Device, int Threads);

/// <summary>Writes a grid of samples of a trained run.</summary>
public static class SampleRunner
{
    /// <summary>Samples <paramref name="request"/>; returns the exit code.</summary>
    public static int Run(IRunnerConsole console, SampleRequest request)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(request);
        string dir = PathOptions.ExistingFolder(request.RunDir, "--run");
        if (request.OutFile is not null) PathOptions.PngFile(request.OutFile, "--out");
        int n = request.Count;
        int? digit = request.Label;
        if (n is <= 0 or > 10_000)
            throw new UserErrorException($"--n: expected 1 to 10000 samples, got {n}");
        var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
        if (digit is not null && !config.IsConditional)
            throw new UserErrorException(
                $"--label: only a cvae or a cgan takes labels; {dir} holds a {config.Model.Name()}");
        if (digit is < 0 || digit >= config.Classes)
            throw new UserErrorException($"--label: expected a class in [0, {config.Classes}), got {digit}");
        return CrashReport.Guard(console, dir, () => Sample(console, request, dir, config));
    }

    private static int Sample(IRunnerConsole console, SampleRequest request, string dir, RunConfig config)
    {
        CrashPoint.Hit(CrashPoint.Command, 0);
        int n = request.Count;
        int? digit = request.Label;
        using var acc = ModelFactory.CreateAccelerator(request.Accelerator, request.Device, request.Threads);
        string path = request.OutFile
            ?? Path.Combine(dir, $"samples-{n}{(digit is null ? "" : $"-label-{digit}")}.png");
        if (config.IsGan)
        {
            using var gan = ModelFactory.CreateGan(acc, config, Math.Min(n, 256));
            Checkpoint.Load(dir, gan, withOptimizer: false);
            // Counter 3 onwards: draws of their own, apart from the run's grids (counters 0 to 2).
            var images = GanPictures.Generate(gan, config, n, 3 + request.Seed, digit);
            GanPictures.Grid(images, n, config, (int)Math.Ceiling(Math.Sqrt(n))).Save(path);
            console.Out.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        }
        using var model = ModelFactory.CreateModel(acc, config, Math.Min(n, 256));
        Checkpoint.Load(dir, model, withOptimizer: false);
        RunPictures.Samples(model, config, n, digit, request.Seed).Save(path);
        console.Out.WriteLine($"wrote {path}");
        if (config.IsConditional && digit is null)
            console.Out.WriteLine($"labels: image i (row by row) is class i mod {config.Classes}, so the " +
                $"grid cycles through classes 0..{config.Classes - 1}; --label D draws one class");
        return ExitCodes.Ok;
    }
}
