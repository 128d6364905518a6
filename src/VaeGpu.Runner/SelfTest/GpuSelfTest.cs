// The one-command check for a GPU machine (`VaeGpu.Runner selftest`): (1) every op on the chosen
// accelerator against the cpu backend on fresh random inputs, (2) GEMM GFLOP/s of both side by
// side, (3) one MNIST epoch on both, test losses and epoch times side by side (through a hook the
// CLI supplies, so this file does not depend on the trainer). Exit code: 0 all agreed, 1 a check
// failed, 2 the accelerator is unavailable (the reason is printed on one line).
using System.Diagnostics;
using VaeGpu.Kernels;

namespace VaeGpu.Runner.SelfTest;

/// <summary>What one training epoch reports for the side-by-side table.</summary>
public sealed record EpochReport(double TestLoss, TimeSpan Elapsed);

/// <summary>Options of a self-test run.</summary>
public sealed record SelfTestOptions
{
    /// <summary>The backend under test (cuda by default).</summary>
    public AcceleratorKind Kind { get; init; } = AcceleratorKind.Cuda;

    /// <summary>Device index within the backend.</summary>
    public int Device { get; init; }

    /// <summary>
    /// Seed of the random inputs (a fresh one by default; printed so a failure can be replayed).
    /// </summary>
    public int Seed { get; init; } = Random.Shared.Next();

    /// <summary>Whether to run the op-by-op comparison (part 1).</summary>
    public bool CheckOps { get; init; } = true;

    /// <summary>GEMM shapes to time; empty skips the timing.</summary>
    public IReadOnlyList<GemmShape> GemmShapes { get; init; } = GemmTiming.DefaultShapes;

    /// <summary>
    /// Trains one epoch on the given accelerator; null prints that the epoch part is not wired.
    /// </summary>
    public Func<Accelerator, EpochReport>? Epoch { get; init; }

    /// <summary>Where the epoch part's inputs are, for the message (the CLI's data folder).</summary>
    public string? DataDescription { get; init; }
}

/// <summary>The GPU self-test; see the file header.</summary>
public static class GpuSelfTest
{
    /// <summary>
    /// Runs the self-test, writing its report to <paramref name="output"/>; returns the exit code.
    /// </summary>
    public static int Run(SelfTestOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        Accelerator target;
        try
        {
            target = Accelerators.Create(options.Kind, options.Device);
        }
        catch (AcceleratorUnavailableException e)
        {
            error.WriteLine($"error: selftest: {Name(options.Kind)} is not available: {e.Message}");
            return 2;
        }
        using (target)
        using (var cpu = Accelerators.Create(AcceleratorKind.Cpu))
        {
            output.WriteLine($"VaeGpu self-test: {target.Name} ({target.Info.Details}) against {cpu.Name}");
            output.WriteLine($"seed {options.Seed} (replay with --seed {options.Seed})");
            output.WriteLine();
            bool opsPassed = !options.CheckOps || RunOpChecks(target, cpu, options.Seed, output);
            if (options.GemmShapes.Count > 0) RunGemmTiming(target, cpu, options.GemmShapes, output);
            bool epochPassed = RunEpochs(target, cpu, options, output);
            output.WriteLine();
            output.WriteLine(opsPassed && epochPassed ? "self-test PASSED" : "self-test FAILED");
            return opsPassed && epochPassed ? 0 : 1;
        }
    }

    private static bool RunOpChecks(Accelerator target, Accelerator cpu, int seed, TextWriter output)
    {
        output.WriteLine($"1. ops: {Name(target.Kind)} against cpu, |a - r| <= atol + rtol |r|");
        var checks = new OpChecks(target, cpu, seed);
        var clock = Stopwatch.StartNew();
        checks.RunAll();
        int width = checks.Results.Max(r => r.Op.Length);
        foreach (var r in checks.Results)
        {
            var where = r.Passed ? "" : $"  at [{r.MaxIndex}] got {r.Got:G9} want {r.Want:G9}";
            output.WriteLine($"   {(r.Passed ? "ok  " : "FAIL")} {r.Op.PadRight(width)}  n={r.Count,-8} "
                + $"max |diff| {r.MaxDifference:G3}{where}");
        }
        int failed = checks.Results.Count(r => !r.Passed);
        output.WriteLine($"   {checks.Results.Count - failed} of {checks.Results.Count} agree "
            + $"({clock.Elapsed.TotalSeconds:F1} s)");
        output.WriteLine();
        return failed == 0;
    }

    private static void RunGemmTiming(Accelerator target, Accelerator cpu, IReadOnlyList<GemmShape> shapes,
        TextWriter output)
    {
        output.WriteLine("2. GEMM GFLOP/s");
        int width = Math.Max(10, shapes.Max(s => s.ToString().Length));
        output.WriteLine($"   {"shape".PadRight(width)}  {Name(target.Kind),10}  {"cpu",10}  {"ratio",7}");
        foreach (var shape in shapes)
        {
            double gpu = GemmTiming.GigaflopsPerSecond(target, shape);
            double host = GemmTiming.GigaflopsPerSecond(cpu, shape);
            output.WriteLine(
                $"   {shape.ToString().PadRight(width)}  {gpu,10:F1}  {host,10:F1}  {gpu / host,6:F1}x");
        }
        output.WriteLine();
    }

    private static bool RunEpochs(Accelerator target, Accelerator cpu, SelfTestOptions options,
        TextWriter output)
    {
        output.WriteLine("3. one MNIST epoch");
        if (options.Epoch is null)
        {
            output.WriteLine("   not run (--no-epoch)");
            return true;
        }
        if (options.DataDescription is not null) output.WriteLine($"   data: {options.DataDescription}");
        var onTarget = options.Epoch(target);
        var onCpu = options.Epoch(cpu);
        output.WriteLine($"   {"",-10}  {Name(target.Kind),12}  {"cpu",12}");
        output.WriteLine($"   {"test loss",-10}  {onTarget.TestLoss,12:F3}  {onCpu.TestLoss,12:F3}");
        output.WriteLine($"   {"epoch time",-10}  {onTarget.Elapsed.TotalSeconds,11:F2}s  "
            + $"{onCpu.Elapsed.TotalSeconds,11:F2}s  ({onCpu.Elapsed / onTarget.Elapsed:F1}x)");
        // Same seed, same data order, float32 on both: the losses differ only by rounding and by
        // summation order; a gap of more than 2% after one epoch means the device trained differently.
        double gap = Math.Abs(onTarget.TestLoss - onCpu.TestLoss) / Math.Max(1e-9, Math.Abs(onCpu.TestLoss));
        bool agree = double.IsFinite(onTarget.TestLoss) && gap <= 0.02;
        output.WriteLine(
            $"   test losses {(agree ? "agree" : "DISAGREE")} (relative gap {gap:P2}, allowed 2%)");
        return agree;
    }

    private static string Name(AcceleratorKind kind) => kind.ToString().ToLowerInvariant();
}
