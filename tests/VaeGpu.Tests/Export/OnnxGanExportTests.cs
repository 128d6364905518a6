// Exported generators of the GANs (gan, cgan, dcgan with its three batch norms, whose eval statistics are
// randomized) run in ONNX Runtime on fresh uniform noise and must match our own generator in eval mode,
// mapped to [0, 1] as the file's output is ((tanh + 1) / 2, within 1e-5). Sizes: 7x5 images for the
// fully connected GANs (4 classes for the cgan), 16x16 (USPS's) for the dcgan. Also the command line: a
// GAN run's default part is its generator, and a VAE part on a GAN is one line, exit 2.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner;
using VaeGpu.Runner.Export;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Export;

public sealed class OnnxGanExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ModelKind.Gan, 3)]
    [InlineData(ModelKind.Cgan, 5)]
    [InlineData(ModelKind.Dcgan, 2)]
    public void ExportedGeneratorMatchesOurGenerator(ModelKind kind, int batch)
    {
        int seed = TestRandom.FreshSeed();
        string context = $"{kind} batch {batch} seed {seed}";
        output.WriteLine(context);
        using var temp = new TempFolder("onnx-gan");
        var (dir, config) = MakeRun(temp, kind, seed);
        var file = OnnxExporter.Export(dir, part: null);
        Assert.Equal(Path.Combine(dir, "generator.onnx"), file.Path);
        Assert.Equal(ExportPart.Generator, file.Part);
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using var model = ModelFactory.CreateGan(acc, config, batch);
        Checkpoint.Load(dir, model, withOptimizer: false);
        var random = new System.Random(seed);
        var noise = RandomFloats(random, batch * config.Noise, -1, 1);
        var labels = OnnxTestRuns.OneHot(random, batch, config.Classes);
        bool conditional = kind == ModelKind.Cgan;
        var onnx = OnnxTestRuns.Run(file.Path, batch,
            conditional ? [("noise", noise), ("label", labels)] : [("noise", noise)])["image"];
        using var noiseBuffer = acc.Upload<float>(noise);
        using var labelBuffer = acc.Upload<float>(labels);
        var labelView = conditional ? labelBuffer.View : default;
        var ours = acc.ToArray(model.Generate(noiseBuffer, labelView, batch).View);
        var expected = ours.Select(v => (v + 1) / 2.0).ToArray();
        AssertClose("image vs our generator", onnx, expected, 1e-5, 0, context);
        output.WriteLine($"max |onnx - ours| {onnx.Zip(expected, (a, e) => Math.Abs(a - e)).Max():E2}");
        Assert.Contains(onnx, v => v > 0.05 && v < 0.95); // not saturated: the check compares values
    }

    [Fact]
    public void GanRunsExportTheirGeneratorAndRefuseVaeParts()
    {
        using var temp = new TempFolder("onnx-gan");
        var (dir, _) = MakeRun(temp, ModelKind.Gan, 7);
        var result = RunnerHarness.Run(["export", "--run", dir]);
        Assert.True(result.Code == ExitCodes.Ok, result.ToString());
        Assert.Contains("inputs: noise: float32 [batch, 96] (noise uniform in [-1, 1], as in training)",
            result.Out);
        Assert.True(File.Exists(Path.Combine(dir, "generator.onnx")));
        var bad = RunnerHarness.Run(["export", "--run", dir, "--part", "decoder"]);
        Assert.True(bad.Code == ExitCodes.UserError, bad.ToString());
        Assert.Equal([$"error: --part decoder: {dir} holds a gan, which has no decoder (part generator)"],
            bad.ErrLines);
    }

    // A run folder holding a freshly initialized GAN with randomized batch norm statistics.
    private static (string Dir, RunConfig Config) MakeRun(TempFolder folder, ModelKind kind, int seed)
    {
        bool conv = kind == ModelKind.Dcgan;
        var config = new RunConfig
        {
            Model = kind, Dataset = "usps", InputDim = conv ? 256 : 35, ImageWidth = conv ? 16 : 7,
            ImageHeight = conv ? 16 : 5, Classes = 4, Seed = (ulong)seed,
        };
        string dir = folder.Path;
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using var gan = ModelFactory.CreateGan(acc, config, maxBatch: 1);
        OnnxTestRuns.RandomizeNorms(gan.Parameters, new System.Random(seed));
        Checkpoint.Save(dir, gan, config, epoch: 3);
        return (dir, config);
    }
}
