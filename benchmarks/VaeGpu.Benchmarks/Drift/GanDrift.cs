// Does a GAN run on two backends drift apart smoothly (rounding amplified by training) or jump at one
// step (a kernel that differs)? Trains the issue-17 `gan` (seed 1) on the first LIMIT MNIST images twice
// in lock step, exactly as GanTrainer does (same shuffle, batches, noise streams), on cpu and on a second
// run: opencl (device 0), or cpu again with every initial parameter moved by one float32 ulp (cpu-ulp,
// the size of a rounding difference) or with lr 1.00001e-3 (cpu-lr). Prints, per step, both runs' d_loss
// and g_loss with their relative difference and the relative L2 distance of G's and D's parameters, and
// first the max relative difference of step 1's gradients. A diagnostic, not a benchmark.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gan-drift [data] [opencl|cpu-ulp|cpu-lr]
//     [limit] [epochs]
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Benchmarks.Drift;

/// <summary>Per-step divergence of two lock-step GAN runs.</summary>
public static class GanDrift
{
    /// <summary>Runs the comparison; args: data folder, second run, image limit (5000), epochs (2).
    /// </summary>
    public static int Run(string[] args)
    {
        string dataDir = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "datasets");
        string other = args.Length > 1 ? args[1] : "opencl";
        int limit = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
        int epochs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        if (other is not ("opencl" or "cpu-ulp" or "cpu-lr"))
        {
            Console.Error.WriteLine($"gan-drift: second run '{other}': expected opencl, cpu-ulp or cpu-lr");
            return 2;
        }
        var config = new RunConfig { Model = ModelKind.Gan, Limit = limit, Epochs = epochs, Seed = 1 };
        var data = DatasetLoader.Load(config.Dataset, dataDir);
        int count = Math.Min(limit, data.Train.Count), batch = Math.Min(config.BatchSize, count);
        int maxBatch = Math.Max(batch, GanTrainer.GridImages); // as GanTrainer sizes it
        using var accA = Accelerators.Create(AcceleratorKind.Cpu, threads: 2);
        using var accB = other == "opencl" ? Accelerators.Create(AcceleratorKind.OpenCL)
            : Accelerators.Create(AcceleratorKind.Cpu, threads: 2);
        using var a = ModelFactory.CreateGan(accA, config, maxBatch);
        using var b = ModelFactory.CreateGan(accB, config, maxBatch);
        using var trainA = new DeviceSplit(accA, data.Train, count, maxBatch, 0);
        using var trainB = new DeviceSplit(accB, data.Train, count, maxBatch, 0);
        var settingsA = ModelFactory.OptimizerSettings(config);
        var settingsB = other == "cpu-lr" ? settingsA with { LearningRate = 1.00001e-3f } : settingsA;
        if (other == "cpu-ulp") MoveOneUlp(b);
        Console.WriteLine($"gan, MNIST {count} images, batch {batch}, seed 1: {accA.Name} against "
            + $"{accB.Name} ({other})");
        Console.WriteLine("initial parameters: relative L2 distance "
            + Fmt(Distance(Values(a), Values(b), 0, a.Parameters.Count)));

        int steps = (count + batch - 1) / batch, g = a.GeneratorCount, all = a.Parameters.Count;
        Console.WriteLine(
            "epoch,step,d_loss_a,d_loss_b,d_rel,g_loss_a,g_loss_b,g_rel,params_g_rel,params_d_rel");
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var order = EpochShuffle.Permutation(count, config.Seed, epoch);
            trainA.UploadOrder(order);
            trainB.UploadOrder(order);
            double dA = 0, dB = 0, gA = 0, gB = 0;
            float[] before = Values(a), beforeB = Values(b);
            for (int step = 0; step < steps; step++)
            {
                int start = step * batch, n = Math.Min(batch, count - start);
                trainA.GatherFromOrder(start, n);
                trainB.GatherFromOrder(start, n);
                if (epoch == 1 && step == 0)
                    FirstStepWithGradients(a, b, trainA, trainB, n, settingsA, settingsB);
                else
                {
                    a.TrainStep(trainA.Images, default, n, settingsA);
                    b.TrainStep(trainB.Images, default, n, settingsB);
                }
                var la = a.ReadAndResetLosses();
                var lb = b.ReadAndResetLosses();
                (dA, dB, gA, gB) = (dA + la.DLossSum, dB + lb.DLossSum, gA + la.GLossSum, gB + lb.GLossSum);
                float[] pa = Values(a), pb = Values(b);
                Console.WriteLine(string.Join(",", epoch, step + 1, Fmt(la.DLoss), Fmt(lb.DLoss),
                    Fmt(Rel(la.DLoss, lb.DLoss)), Fmt(la.GLoss), Fmt(lb.GLoss), Fmt(Rel(la.GLoss, lb.GLoss)),
                    Fmt(Distance(pa, pb, 0, g)), Fmt(Distance(pa, pb, g, all))));
                double was = Distance(before, beforeB, 0, g);
                if (was > 0 && Distance(pa, pb, 0, g) > 20 * was)
                {
                    int unit = Jump(a, b, before, beforeB, pa, pb, g);
                    NearestReluTies(a, before, beforeB, n, unit);
                    NearestDiscriminatorTies(a, before, pa, pb, n);
                }
                (before, beforeB) = (pa, pb);
            }
            Console.WriteLine($"epoch {epoch} means: d_loss {Fmt(dA / count)} vs {Fmt(dB / count)} "
                + $"({Rel(dA, dB):P2}), g_loss {Fmt(gA / count)} vs {Fmt(gB / count)} ({Rel(gA, gB):P2})");
        }
        return 0;
    }

    // Step 1 as TrainStep runs it, with each half's gradients compared before its update.
    private static void FirstStepWithGradients(GanModel a, GanModel b, DeviceSplit trainA, DeviceSplit trainB,
        int n, in OptimizerParams settingsA, in OptimizerParams settingsB)
    {
        int g = a.GeneratorCount, all = a.Parameters.Count;
        a.ComputeDiscriminatorGradients(trainA.Images, default, n);
        b.ComputeDiscriminatorGradients(trainB.Images, default, n);
        Report("step 1, D's gradients", Gradients(a), Gradients(b), g, all);
        a.StepDiscriminator(settingsA);
        b.StepDiscriminator(settingsB);
        a.ComputeGeneratorGradients(default, n);
        b.ComputeGeneratorGradients(default, n);
        Report("step 1, G's gradients", Gradients(a), Gradients(b), 0, g);
        a.StepGenerator(settingsA);
        b.StepGenerator(settingsB);
        a.StepCount++;
        b.StepCount++;
    }

    // Max |a - b| / max |a| over the slice, the relative L2 distance, and the largest elementwise
    // |a - b| / (|a| + 1e-3 max |a|) with its index (the floor keeps near-zero gradients from dominating).
    private static void Report(string what, float[] x, float[] y, int first, int end)
    {
        double maxAbs = 0, maxDiff = 0, worst = 0;
        int worstAt = first;
        for (int i = first; i < end; i++) maxAbs = Math.Max(maxAbs, Math.Abs(x[i]));
        for (int i = first; i < end; i++)
        {
            double diff = Math.Abs(x[i] - (double)y[i]);
            maxDiff = Math.Max(maxDiff, diff);
            double rel = diff / (Math.Abs(x[i]) + 1e-3 * maxAbs);
            if (rel > worst) (worst, worstAt) = (rel, i);
        }
        Console.WriteLine($"{what} ({end - first} values): max |a-b| / max |a| = {Fmt(maxDiff / maxAbs)}, "
            + $"relative L2 {Fmt(Distance(x, y, first, end))}, worst elementwise {Fmt(worst)} at {worstAt} "
            + $"({x[worstAt].ToString("G9", CultureInfo.InvariantCulture)} vs "
            + $"{y[worstAt].ToString("G9", CultureInfo.InvariantCulture)})");
    }

    // G's distance grew 20x in one step: the parameters whose difference grew most, with both runs'
    // values before and after, this step's G gradients and Adam moments.
    private static int Jump(GanModel a, GanModel b, float[] beforeA, float[] beforeB, float[] afterA,
        float[] afterB, int g)
    {
        float[] gradA = Gradients(a), gradB = Gradients(b);
        float[] m1A = new float[afterA.Length], m1B = new float[afterA.Length];
        float[] m2A = new float[afterA.Length], m2B = new float[afterA.Length];
        a.Parameters.ReadState(1, m1A);
        b.Parameters.ReadState(1, m1B);
        a.Parameters.ReadState(2, m2A);
        b.Parameters.ReadState(2, m2B);
        var table = a.Parameters.Table;
        var top = Enumerable.Range(0, g)
            .OrderByDescending(i => Math.Abs(afterA[i] - afterB[i]) - Math.Abs(beforeA[i] - beforeB[i]))
            .Take(5).ToList();
        var first = table.Last(t => t.Offset <= top[0]);
        int hidden = a.Config.GHidden[^1], index = top[0] - first.Offset;
        // The last hidden layer's unit the top parameter belongs to (its weight row, or the top layer's
        // column), else -1.
        int unit = first.Name == "generator.2.weight" ? index / a.Config.GHidden[0]
            : first.Name == $"generator.{2 * a.Config.GHidden.Length}.weight" ? index % hidden : -1;
        foreach (int i in top)
        {
            var info = table.Last(t => t.Offset <= i);
            Console.WriteLine($"  jump: {info.Name}[{i - info.Offset}]: "
                + $"value {G(beforeA[i])} -> {G(afterA[i])}"
                + $" vs {G(beforeB[i])} -> {G(afterB[i])}; grad {G(gradA[i])} vs {G(gradB[i])}; "
                + $"m {G(m1A[i])} vs {G(m1B[i])}; v {G(m2A[i])} vs {G(m2B[i])}");
        }
        return unit;
    }

    // The generator's pass of the step just taken, in float64 from run a's parameters before it: the
    // ReLU inputs (pre-activations of G's two hidden layers, over every image and unit) nearest zero,
    // beside the median |pre-activation|. One within float32 rounding of zero can fall on either side.
    private static void NearestReluTies(GanModel a, float[] before, float[] beforeB, int n, int watch)
    {
        var preA = PreActivations(a, before, n);
        var preB = PreActivations(a, beforeB, n);
        var all = preA.SelectMany(p => p).ToList();
        double median = all.Select(e => Math.Abs(e.Pre)).Order().ElementAt(all.Count / 2);
        Console.WriteLine($"  ReLU inputs of G's pass ({all.Count}), median |pre| {Fmt(median)}; "
            + "nearest zero: " + string.Join("; ",
                all.OrderBy(e => Math.Abs(e.Pre)).Take(3).Select(e => $"{e.Where}: {Fmt(e.Pre)}")));
        if (watch < 0) return;
        var last = preA.Count - 1;
        int hidden = a.Config.GHidden[^1];
        var unit = Enumerable.Range(0, n).Select(s => (Sample: s, A: preA[last][s * hidden + watch].Pre,
            B: preB[last][s * hidden + watch].Pre, Scale: preA[last][s * hidden + watch].Scale)).ToList();
        Console.WriteLine($"  last hidden unit {watch}: active for {unit.Count(u => u.A > 0)} of {n} images; "
            + "largest pre-activations (from a's / b's parameters, sum |terms|): " + string.Join("; ",
                unit.OrderByDescending(u => u.A).Take(3).Select(u =>
                    $"image {u.Sample}: {Fmt(u.A)} / {Fmt(u.B)} ({Fmt(u.Scale)})")));
    }

    // D's pass in the G step just taken, in float64: G from the parameters before the step (G had not
    // moved yet), D from those after it (D had already been updated), from run a's and from run b's
    // parameters. Prints the LeakyReLU inputs nearest zero with both runs' values.
    private static void NearestDiscriminatorTies(GanModel a, float[] before, float[] afterA, float[] afterB,
        int n)
    {
        var c = a.Config;
        var mixA = (float[])afterA.Clone();
        var mixB = (float[])afterB.Clone();
        Array.Copy(before, mixA, a.GeneratorCount);
        Array.Copy(before, mixB, a.GeneratorCount);
        var fakeA = Forward(a, mixA, "generator", Noise(a, n), c.Noise, c.GHidden, c.InputDim, 0, null);
        var fakeB = Forward(a, mixB, "generator", Noise(a, n), c.Noise, c.GHidden, c.InputDim, 0, null);
        var tiesA = new List<(double Pre, string Where)>();
        var tiesB = new List<(double Pre, string Where)>();
        Forward(a, mixA, "discriminator", fakeA, c.InputDim, c.DHidden, 1, 0.01, tiesA);
        Forward(a, mixB, "discriminator", fakeB, c.InputDim, c.DHidden, 1, 0.01, tiesB);
        var order = Enumerable.Range(0, tiesA.Count).OrderBy(i => Math.Abs(tiesA[i].Pre)).Take(3);
        Console.WriteLine($"  D's LeakyReLU inputs on G's fakes ({tiesA.Count}), nearest zero (a / b): "
            + string.Join("; ",
                order.Select(i => $"{tiesA[i].Where}: {Fmt(tiesA[i].Pre)} / {Fmt(tiesB[i].Pre)}")));
    }

    private static double[] Noise(GanModel a, int n)
    {
        ulong stream = RngStreams.GeneratorNoise(a.StepCount - 1);
        var x = new double[n * a.Config.Noise];
        for (int i = 0; i < x.Length; i++)
            x[i] = -1f + 2f * VaeGpu.Kernels.Random.Philox.Uniform(a.Config.Seed, stream, i);
        return x;
    }

    // A float64 MLP: hidden layers with ReLU (slope 0) or LeakyReLU, the top layer Tanh (G) or identity
    // (D); the hidden layers' inputs to the activation go to ties when given.
    private static double[] Forward(GanModel a, float[] p, string prefix, double[] x, int input, int[] hidden,
        int output, double slope, List<(double Pre, string Where)>? ties)
    {
        var table = a.Parameters.Table;
        int n = x.Length / input, width = input;
        for (int layer = 0; layer <= hidden.Length; layer++)
        {
            bool top = layer == hidden.Length;
            int next = top ? output : hidden[layer];
            int w = table.Single(t => t.Name == $"{prefix}.{2 * layer}.weight").Offset;
            int bias = table.Single(t => t.Name == $"{prefix}.{2 * layer}.bias").Offset;
            var h = new double[n * next];
            for (int sample = 0; sample < n; sample++)
                for (int unit = 0; unit < next; unit++)
                {
                    double pre = p[bias + unit];
                    for (int k = 0; k < width; k++)
                        pre += (double)p[w + unit * width + k] * x[sample * width + k];
                    if (!top) ties?.Add((pre, $"{prefix}.{2 * layer} unit {unit} image {sample}"));
                    h[sample * next + unit] = top ? (prefix == "generator" ? Math.Tanh(pre) : pre)
                        : pre > 0 ? pre : slope * pre;
                }
            (x, width) = (h, next);
        }
        return x;
    }

    private static List<List<(double Pre, double Scale, string Where)>> PreActivations(GanModel a,
        float[] before, int n)
    {
        var table = a.Parameters.Table;
        var c = a.Config;
        ulong stream = RngStreams.GeneratorNoise(a.StepCount - 1);
        var x = new double[n * c.Noise];
        for (int i = 0; i < x.Length; i++)
            x[i] = -1f + 2f * VaeGpu.Kernels.Random.Philox.Uniform(c.Seed, stream, i);
        int width = c.Noise;
        var layers = new List<List<(double Pre, double Scale, string Where)>>();
        for (int layer = 0; layer < c.GHidden.Length; layer++)
        {
            var all = new List<(double Pre, double Scale, string Where)>();
            layers.Add(all);
            int next = c.GHidden[layer];
            int w = table.Single(t => t.Name == $"generator.{2 * layer}.weight").Offset;
            int bias = table.Single(t => t.Name == $"generator.{2 * layer}.bias").Offset;
            var h = new double[n * next];
            for (int sample = 0; sample < n; sample++)
                for (int unit = 0; unit < next; unit++)
                {
                    double pre = before[bias + unit], scale = Math.Abs(pre);
                    for (int k = 0; k < width; k++)
                    {
                        double term = (double)before[w + unit * width + k] * x[sample * width + k];
                        (pre, scale) = (pre + term, scale + Math.Abs(term));
                    }
                    all.Add((pre, scale, $"generator.{2 * layer} unit {unit} image {sample}"));
                    h[sample * next + unit] = Math.Max(pre, 0);
                }
            (x, width) = (h, next);
        }
        return layers;
    }

    private static string G(float v) => v.ToString("G9", CultureInfo.InvariantCulture);

    private static void MoveOneUlp(GanModel model)
    {
        var values = Values(model);
        var random = new Random(17);
        for (int i = 0; i < values.Length; i++)
            values[i] = random.Next(2) == 0 ? MathF.BitIncrement(values[i]) : MathF.BitDecrement(values[i]);
        model.Parameters.WriteValues(values);
    }

    private static float[] Values(GanModel model)
    {
        var values = new float[model.Parameters.Count];
        model.Parameters.ReadValues(values);
        return values;
    }

    private static float[] Gradients(GanModel model)
    {
        var values = new float[model.Parameters.Count];
        model.Parameters.ReadGradients(values);
        return values;
    }

    // ||x - y|| / ||x|| over [first, end), in float64.
    private static double Distance(float[] x, float[] y, int first, int end)
    {
        double diff = 0, norm = 0;
        for (int i = first; i < end; i++)
        {
            double d = x[i] - (double)y[i];
            diff += d * d;
            norm += (double)x[i] * x[i];
        }
        return Math.Sqrt(diff / norm);
    }

    private static double Rel(double a, double b) => Math.Abs(a - b) / Math.Abs(a);

    private static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
