// Model configs, presets and their parameter tables (the checkpoint names and PyTorch shapes),
// PyTorch-default initialization from a seed, and the optimizer wrapper against float64 updates.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Layers;

public sealed class ConfigAndInitTests(ITestOutputHelper output)
{
    [Fact]
    public void PresetTablesUseCheckpointNamesAndPyTorchShapes()
    {
        string Table(string preset) => string.Join(" ", VaeModel.ParameterShapes(ModelConfig.Preset(preset))
            .Select(e => $"{e.Name}[{string.Join(",", e.Shape)}]"));
        Assert.Equal("encoder.layers.0.weight[400,784] encoder.layers.0.bias[400] encoder.mu.weight[20,400] "
            + "encoder.mu.bias[20] encoder.logvar.weight[20,400] encoder.logvar.bias[20] "
            + "decoder.layers.0.weight[400,20] decoder.layers.0.bias[400] decoder.out.weight[784,400] "
            + "decoder.out.bias[784]", Table("pytorch-vae"));
        Assert.StartsWith("encoder.layers.0.weight[400,794] ", Table("mnist-cvae-400"));
        Assert.Contains("decoder.layers.0.weight[400,30] ", Table("mnist-cvae-400"));
        Assert.Contains("encoder.layers.1.weight[64,128] ", Table("usps-vae-128-64"));
        Assert.Contains("decoder.out.weight[256,128] ", Table("usps-vae-128-64"));
        Assert.Contains(
            "encoder.layers.2.weight[256,256] encoder.layers.2.bias[256] encoder.mu.weight[15,256] ",
            Table("fc-vae-256"));
        Assert.Contains("decoder.layers.1.weight[512,256] ", Table("mnist-vae-512-256"));
        var ae = VaeModel.ParameterShapes(ModelConfig.Default with { Kind = ModelKind.Ae })
            .Select(e => e.Name);
        Assert.DoesNotContain("encoder.logvar.weight", ae);
        // Every documented preset builds (fc-vae-{H} with an example H).
        foreach (var (name, source) in ModelConfig.Presets)
        {
            var config = ModelConfig.Preset(name.Replace("{H}", "64"));
            config.Validate();
            Assert.False(string.IsNullOrWhiteSpace(source));
        }
    }

    [Fact]
    public void BadConfigsGetOneClearMessage()
    {
        var unknown = Assert.Throws<ArgumentException>(() => ModelConfig.Preset("vae-9000"));
        Assert.Contains("unknown model preset 'vae-9000'; expected one of: pytorch-vae", unknown.Message);
        var noClasses = Assert.Throws<ArgumentException>(() =>
            (ModelConfig.Default with { Kind = ModelKind.Cvae }).Validate());
        Assert.Contains("a cvae needs Classes > 0, got 0", noClasses.Message);
        var badHidden = Assert.Throws<ArgumentException>(() =>
            (ModelConfig.Default with { Decoder = [400, 0] }).Validate());
        Assert.Contains("Decoder[1] must be positive, got 0", badHidden.Message);
        var badBeta = Assert.Throws<ArgumentException>(() =>
            (ModelConfig.Default with { Beta = -1 }).Validate());
        Assert.Contains("Beta must be >= 0", badBeta.Message);
    }

    [Fact]
    public void KlWeightWarmsUpLinearly()
    {
        var config = ModelConfig.Default with { Beta = 4, KlWarmupEpochs = 10 };
        Assert.Equal(0f, config.KlWeight(0));
        Assert.Equal(1f, config.KlWeight(2.5), 6);
        Assert.Equal(4f, config.KlWeight(10));
        Assert.Equal(4f, config.KlWeight(37));
        Assert.Equal(4f, (config with { KlWarmupEpochs = 0 }).KlWeight(0));
        Assert.Equal(0f, (config with { Kind = ModelKind.Ae }).KlWeight(20));
    }

    [Fact]
    public void InitializationIsPyTorchDefaultAndSeeded()
    {
        using var acc = new CpuAccelerator(1);
        var config = ModelConfig.Preset("mnist-vae-512-256") with { Seed = 2024 };
        using var a = new VaeModel(acc, config, 1);
        using var b = new VaeModel(acc, config, 3);
        using var c = new VaeModel(acc, config with { Seed = 2025 }, 1);
        var (pa, pb, pc) = (Read(a), Read(b), Read(c));
        Assert.Equal(pa, pb); // same seed, same init, whatever the batch size
        Assert.True(pa.Zip(pc).Count(t => t.First == t.Second) < pa.Length / 1000,
            "another seed gives other weights");
        foreach (var info in a.Parameters.Table)
        {
            int fanIn = a.Parameters[info.Name[..info.Name.LastIndexOf('.')] + ".weight"].Shape[1];
            double bound = 1 / Math.Sqrt(fanIn);
            var values = pa.AsSpan(info.Offset, info.Length).ToArray();
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            if (info.Length < 5000) continue;
            // U(-k, k): mean 0, variance k^2 / 3; with n >= 5000 samples the errors are a few percent.
            double mean = values.Average(v => (double)v),
                variance = values.Average(v => (double)v * v) - mean * mean;
            output.WriteLine($"{info.Name} {info.ShapeText}: mean {mean / bound:F4} k, "
                + $"variance {variance / (bound * bound):F4} k^2");
            Assert.InRange(mean / bound, -0.05, 0.05);
            Assert.InRange(variance / (bound * bound), 1 / 3.0 * 0.93, 1 / 3.0 * 1.07);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.Adagrad)]
    public void OptimizerUpdatesTheWholeArenaLikePyTorch(OptimizerKind kind)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, [("a.weight", [3, 7]), ("a.bias", [3]), ("b", [11])]);
        var p0 = RandomFloats(random, arena.Count, -1, 1);
        arena.WriteValues(p0);
        var optimizer = new Optimizer(arena);
        var settings = Optimizer.Defaults(kind) with { Step = 1000 }; // ignored: the optimizer counts
        var p = ToDouble(p0);
        var (s1, s2) = (new double[arena.Count], new double[arena.Count]);
        for (int step = 1; step <= 3; step++)
        {
            var g = RandomFloats(random, arena.Count, -1, 1);
            acc.CopyFromHost<float>(g, arena.Gradients.View);
            optimizer.Step(settings);
            Assert.Equal(step, optimizer.StepCount);
            for (int i = 0; i < p.Length; i++)
                UpdateFloat64(settings, step, ref p[i], g[i], ref s1[i], ref s2[i]);
            var actual = new float[arena.Count];
            arena.ReadValues(actual);
            AssertClose($"{kind} step {step}", actual, p, 1e-6, 1e-5, $"seed {seed}");
        }
    }

    private static void UpdateFloat64(in OptimizerParams s, int step, ref double p, double g, ref double s1,
        ref double s2)
    {
        double lr = s.LearningRate;
        switch (s.Kind)
        {
            case OptimizerKind.Adam:
                s1 = s.Beta1 * s1 + (1 - s.Beta1) * g;
                s2 = s.Beta2 * s2 + (1 - s.Beta2) * g * g;
                double mHat = s1 / (1 - Math.Pow(s.Beta1, step)), vHat = s2 / (1 - Math.Pow(s.Beta2, step));
                p -= lr * mHat / (Math.Sqrt(vHat) + s.Epsilon);
                break;
            case OptimizerKind.Sgd:
                s1 = s.Momentum * s1 + g;
                p -= lr * s1;
                break;
            case OptimizerKind.RmsProp:
                s1 = s.Alpha * s1 + (1 - s.Alpha) * g * g;
                p -= lr * g / (Math.Sqrt(s1) + s.Epsilon);
                break;
            default:
                s1 += g * g;
                p -= lr * g / (Math.Sqrt(s1) + s.Epsilon);
                break;
        }
    }

    private static float[] Read(VaeModel model)
    {
        var values = new float[model.Parameters.Count];
        model.Parameters.ReadValues(values);
        return values;
    }
}
