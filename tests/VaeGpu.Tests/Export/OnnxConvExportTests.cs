// Exported decoders and encoders of conv models (vae, cvae, ae; with and without batch norm, whose eval
// statistics are randomized) run in ONNX Runtime on fresh random inputs and must match our own forward
// pass (images within 1e-5 absolute, mu and logvar within 1e-4 relative plus 1e-5 absolute). Awkward
// sizes: 12x8 images, channels 3 and 5, hidden 7, latent 3.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Export;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Export;

public sealed class OnnxConvExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ModelKind.Vae, Activation.Relu, 1, false)]
    [InlineData(ModelKind.Cvae, Activation.LeakyRelu, 5, false)]
    [InlineData(ModelKind.Ae, Activation.Tanh, 3, false)]
    [InlineData(ModelKind.Vae, Activation.Relu, 4, true)]
    [InlineData(ModelKind.Cvae, Activation.Tanh, 2, true)]
    public void ExportedConvPartsMatchOurForwardPass(ModelKind kind, Activation activation, int batch,
        bool batchNorm)
    {
        int seed = TestRandom.FreshSeed();
        string context = $"conv {kind} {activation} batch {batch} batch norm {batchNorm} seed {seed}";
        output.WriteLine(context);
        var config = new RunConfig
        {
            Model = kind, Arch = ModelArch.Conv, Dataset = "usps", InputDim = 96, ImageWidth = 12,
            ImageHeight = 8, Classes = 4, Channels = [3, 5], Encoder = [7], Decoder = [7], Latent = 3,
            Activation = activation, Seed = (ulong)seed, BatchNorm = batchNorm,
        };
        using var temp = new TempFolder("onnx-conv");
        string dir = temp.Path;
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using (var fresh = ModelFactory.CreateModel(acc, config, maxBatch: 1))
        {
            OnnxTestRuns.RandomizeNorms(fresh.Parameters, new System.Random(seed));
            Checkpoint.Save(dir, fresh, config, epoch: 1);
        }
        var decoderFile = OnnxExporter.Export(dir, ExportPart.Decoder);
        var encoderFile = OnnxExporter.Export(dir, ExportPart.Encoder);
        using var model = OnnxTestRuns.Load(acc, dir, config, batch);
        var random = new System.Random(seed);
        bool conditional = kind == ModelKind.Cvae;
        var labels = OnnxTestRuns.OneHot(random, batch, config.Classes);
        using var labelBuffer = acc.Upload<float>(labels);
        var labelView = conditional ? labelBuffer.View : default;

        var z = RandomFloats(random, batch * config.Latent, -2.5, 2.5);
        using var zBuffer = acc.Upload<float>(z);
        var onnxImage = OnnxTestRuns.Run(decoderFile.Path, batch,
            conditional ? [("z", z), ("label", labels)] : [("z", z)])["image"];
        var ours = acc.ToArray(model.Decode(zBuffer, labelView, batch).View);
        AssertClose("image vs our forward", onnxImage, ToDouble(ours), 1e-5, 0, context);

        var x = RandomFloats(random, batch * config.InputDim, 0, 1);
        using var xBuffer = acc.Upload<float>(x);
        var onnx = OnnxTestRuns.Run(encoderFile.Path, batch,
            conditional ? [("image", x), ("label", labels)] : [("image", x)]);
        var (mu, logvar) = model.Encode(xBuffer, labelView, batch);
        AssertClose("mu vs our forward", onnx["mu"], ToDouble(acc.ToArray(mu.View)), 1e-5, 1e-4, context);
        Assert.Equal(kind == ModelKind.Ae, !onnx.ContainsKey("logvar"));
        if (kind != ModelKind.Ae)
            AssertClose("logvar vs our forward", onnx["logvar"], ToDouble(acc.ToArray(logvar.View)), 1e-5,
                1e-4, context);
    }
}
