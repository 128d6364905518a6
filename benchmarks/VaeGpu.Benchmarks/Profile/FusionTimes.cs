// Each fused op against its two parts, at the default VAE's shapes (batch 128, hidden 400, latent 20), on
// every backend: milliseconds per call (median of alternating repetitions in one process, each
// synchronized), so a fusion that saves a launch but runs slower on a device shows.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- fusion-times [reps]
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Profile;

/// <summary>Fused ops against their parts, per backend.</summary>
public static class FusionTimes
{
    private const int Batch = 128, Hidden = 400, Latent = 20;

    /// <summary>Runs the comparison; args: repetitions (15).</summary>
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        Console.WriteLine($"# Fused ops against their parts (ms per call, median of {reps} alternating "
            + "repetitions of about 20 ms)");
        Console.WriteLine();
        Console.WriteLine("| backend | op | fused | parts | fused / parts |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var probe in Accelerators.Probe())
            foreach (var device in probe.Devices)
            {
                using var acc = Accelerators.Create(probe.Kind, device.Index, threads: 2);
                Compare(acc, reps);
            }
        return 0;
    }

    private static void Compare(Accelerator acc, int reps)
    {
        var random = new Random(1);
        DeviceBuffer<float> Buffer(int n) =>
            acc.Upload<float>(Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        using var mu = Buffer(Batch * Latent);
        using var logvar = Buffer(Batch * Latent);
        using var eps = Buffer(Batch * Latent);
        using var z = Buffer(Batch * Latent);
        using var dmu = Buffer(Batch * Latent);
        using var dlogvar = Buffer(Batch * Latent);
        using var rows = Buffer(Batch);
        using var y = Buffer(Batch * Hidden);
        using var dy = Buffer(Batch * Hidden);
        using var sums = Buffer(Hidden);
        using var total = Buffer(1);
        Row(acc, reps, $"ReparameterizeKl {Batch}x{Latent}",
            () => acc.ReparameterizeKl(mu.View, logvar.View, Batch, Latent, eps.View, z.View, 1, 2, rows.View,
                dmu.View, dlogvar.View, 0.01f),
            () =>
            {
                acc.ReparameterizeForward(mu.View, logvar.View, eps.View, z.View, Batch * Latent, 1, 2);
                acc.KlDivergence(mu.View, logvar.View, Batch, Latent, rows.View, dmu.View, dlogvar.View,
                    0.01f);
            });
        Row(acc, reps, $"ActivationBackwardColumnSum relu {Batch}x{Hidden}",
            () => acc.ActivationBackwardColumnSum(Activation.Relu, y.View, dy.View, dy.View, Batch, Hidden,
                sums.View, accumulate: true),
            () =>
            {
                acc.ActivationBackward(Activation.Relu, y.View, dy.View, dy.View, Batch * Hidden);
                acc.ColumnSum(dy.View, Batch, Hidden, sums.View, accumulate: true);
            });
    }

    private static void Row(Accelerator acc, int reps, string op, Action fused, Action parts)
    {
        double Time(Action action)
        {
            int calls = 0;
            long start = Stopwatch.GetTimestamp();
            do
            {
                action();
                acc.Synchronize();
                calls++;
            } while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.02);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }
        Time(fused);
        Time(parts);
        var a = new List<double>();
        var b = new List<double>();
        for (int rep = 0; rep < reps; rep++)
        {
            a.Add(Time(fused));
            b.Add(Time(parts));
        }
        double fa = a.Order().ElementAt(reps / 2), pa = b.Order().ElementAt(reps / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {acc.Name} | {op} | {fa:F3} | {pa:F3} | {fa / pa:F2} |"));
    }
}
