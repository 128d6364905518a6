// Exported decoders and encoders of every model kind (vae, cvae, ae) run in ONNX Runtime on fresh random
// inputs and must match our own forward pass: images within 1e-5 absolute, mu and logvar within 1e-5
// relative (plus 1e-6 absolute for values near zero); both also against plain float64 code. Sizes are
// awkward (35 pixels, hidden 13 and 6, latent 3) and one case has the default 784-400-20 shape.
using Microsoft.ML.OnnxRuntime;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Export;
using VaeGpu.Runner.Training;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Export;

public sealed class OnnxExportTests(ITestOutputHelper output)
{
    private const double ImageAtol = 1e-5, CodeRtol = 1e-5, CodeAtol = 1e-6;

    [Theory]
    [InlineData("vae", "relu", 1)]
    [InlineData("vae", "leaky-relu", 7)]
    [InlineData("cvae", "tanh", 5)]
    [InlineData("cvae", "relu", 13)]
    [InlineData("ae", "leaky-relu", 3)]
    [InlineData("ae", "tanh", 1)]
    public void ExportedPartsMatchOurForwardPass(string kind, string activation, int batch)
    {
        int seed = System.Random.Shared.Next();
        using var temp = new TempFolder("onnx");
        var (dir, config) = OnnxTestRuns.Make(temp, kind, activation, (ulong)seed);
        CheckBothParts(dir, config, batch, seed);
    }

    [Fact]
    public void DefaultSizedCvaeMatchesOurForwardPass()
    {
        int seed = System.Random.Shared.Next();
        using var temp = new TempFolder("onnx");
        var (dir, config) = OnnxTestRuns.Make(temp, "cvae", "relu", (ulong)seed, 28, 28, [400], [400], 20,
            10);
        CheckBothParts(dir, config, batch: 9, seed);
    }

    private void CheckBothParts(string dir, RunConfig config, int batch, int seed)
    {
        var random = new System.Random(seed);
        string context = $"{config.Model} {config.Activation} batch {batch} seed {seed}";
        output.WriteLine(context);
        var decoderFile = OnnxExporter.Export(dir, ExportPart.Decoder);
        var encoderFile = OnnxExporter.Export(dir, ExportPart.Encoder, Path.Combine(dir, "sub", "enc.onnx"));
        Assert.Equal(Path.Combine(dir, "decoder.onnx"), decoderFile.Path);
        Assert.True(File.Exists(encoderFile.Path));

        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using var model = OnnxTestRuns.Load(acc, dir, config, batch);
        var p = new float[model.Parameters.Count];
        model.Parameters.ReadValues(p);
        var (pd, table, modelConfig) = (ToDouble(p), model.Parameters.Table, model.Config);
        bool conditional = config.IsConditional;
        var labels = OnnxTestRuns.OneHot(random, batch, config.Classes);
        using var labelBuffer = acc.Upload<float>(labels);
        var labelView = conditional ? labelBuffer.View : default;

        // Decoder: z (+ label) -> image.
        var z = RandomFloats(random, batch * config.Latent, -2.5, 2.5);
        using var zBuffer = acc.Upload<float>(z);
        var decoderInputs = conditional ? new[] { ("z", z), ("label", labels) } : new[] { ("z", z) };
        var onnxImage = OnnxTestRuns.Run(decoderFile.Path, batch, decoderInputs)["image"];
        var ours = acc.ToArray(model.Decode(zBuffer, labelView, batch).View);
        var reference = Decode(modelConfig, table, pd, ToDouble(z), ToDouble(labels), batch)
            .Select(l => 1 / (1 + Math.Exp(-l))).ToArray();
        Report("image", onnxImage, ToDouble(ours), ImageAtol, 0);
        AssertClose("image vs our forward", onnxImage, ToDouble(ours), ImageAtol, 0, context);
        AssertClose("image vs float64", onnxImage, reference, ImageAtol, 0, context);
        Assert.All(onnxImage, v => Assert.InRange(v, 0f, 1f));

        // Encoder: image (+ label) -> mu (, logvar).
        var x = RandomFloats(random, batch * config.InputDim, 0, 1);
        using var xBuffer = acc.Upload<float>(x);
        var encoderInputs = conditional ? new[] { ("image", x), ("label", labels) } : new[] { ("image", x) };
        var onnx = OnnxTestRuns.Run(encoderFile.Path, batch, encoderInputs);
        var (mu, logvar) = model.Encode(xBuffer, labelView, batch);
        var (mu64, logvar64) = Encode(modelConfig, table, pd, ToDouble(x), ToDouble(labels), batch);
        Report("mu", onnx["mu"], ToDouble(acc.ToArray(mu.View)), CodeAtol, CodeRtol);
        AssertClose("mu vs our forward", onnx["mu"], ToDouble(acc.ToArray(mu.View)), CodeAtol, CodeRtol,
            context);
        AssertClose("mu vs float64", onnx["mu"], mu64, CodeAtol, CodeRtol, context);
        Assert.Equal(config.IsAutoencoder, !onnx.ContainsKey("logvar"));
        if (!config.IsAutoencoder)
        {
            AssertClose("logvar vs our forward", onnx["logvar"], ToDouble(acc.ToArray(logvar.View)),
                CodeAtol, CodeRtol, context);
            AssertClose("logvar vs float64", onnx["logvar"], logvar64!, CodeAtol, CodeRtol, context);
        }
    }

    [Fact]
    public void FileDeclaresItsSignatureOpsetAndConfig()
    {
        using var temp = new TempFolder("onnx");
        var (dir, config) = OnnxTestRuns.Make(temp, "cvae", "relu", 5);
        var result = OnnxExporter.Export(dir, ExportPart.Decoder);
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.Path));
        Assert.Equal("VaeGpu", model.ProducerName);
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version >= 13);
        Assert.Equal(["Concat", "Gemm", "Relu", "Gemm", "Sigmoid"], model.Graph.Node.Select(n => n.OpType));

        using var session = new InferenceSession(result.Path);
        Assert.Equal(["z", "label"], session.InputNames);
        Assert.Equal([-1, config.Latent], session.InputMetadata["z"].Dimensions);
        Assert.Equal([-1, config.Classes], session.InputMetadata["label"].Dimensions);
        Assert.Equal(["image"], session.OutputNames);
        Assert.Equal([-1, config.InputDim], session.OutputMetadata["image"].Dimensions);
        Assert.Equal(OnnxGraphBuilder.BatchAxis, session.InputMetadata["z"].SymbolicDimensions[0]);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("decoder", meta[OnnxExporter.PartKey]);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, Checkpoint.ConfigFile)),
            meta[OnnxExporter.ConfigKey]);
        Assert.Equal(result.Signature.InputsText, meta[OnnxExporter.InputsKey]);
        Assert.StartsWith("z: float32 [batch, 3]", meta[OnnxExporter.InputsKey]);
        Assert.Contains("label: float32 [batch, 4]", meta[OnnxExporter.InputsKey]);
        Assert.StartsWith("image: float32 [batch, 35]", meta[OnnxExporter.OutputsKey]);
        Assert.Equal(("7", "5", "3", "4", "2"), (meta[OnnxExporter.WidthKey], meta[OnnxExporter.HeightKey],
            meta[OnnxExporter.LatentKey], meta[OnnxExporter.ClassesKey], meta[OnnxExporter.EpochKey]));

        var encoder = OnnxExporter.Export(dir, ExportPart.Encoder);
        using var encoderSession = new InferenceSession(encoder.Path);
        Assert.Equal(["image", "label"], encoderSession.InputNames);
        Assert.Equal(["mu", "logvar"], encoderSession.OutputNames);
    }

    private void Report(string what, float[] actual, double[] expected, double atol, double rtol)
    {
        double maxDiff = actual.Zip(expected, (a, r) => Math.Abs(a - r)).Max();
        output.WriteLine($"{what}: max |onnx - ours| {maxDiff:E2}, "
            + $"worst ratio to tolerance {WorstRatio(actual, expected, atol, rtol):F3}");
    }
}
