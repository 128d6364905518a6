// A trained run's sample grid comes back from its exported decoder alone: after export, the run's
// safetensors are deleted (our runner can no longer sample), and ONNX Runtime decodes the same draws
// z ~ N(0, I) (Philox, from the seed in the file's metadata) into the grid of samples.png.
using System.Text.Json;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Random;
using VaeGpu.Layers;
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Export;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Layers;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Export;

public sealed class OnnxSamplesTests(ITestOutputHelper output)
{
    private const int Samples = 64; // samples.png: 64 draws from Sample stream 0, labels i mod classes

    [DataFact("usps")]
    public void SampleGridComesBackFromTheOnnxFileAlone()
    {
        using var temp = new TempFolder("onnx-samples");
        string dir = Path.Combine(temp.Path, "run");
        var train = RunnerHarness.Run("--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"),
            "--model", "cvae", "--epochs", "2", "--limit", "1000", "--out", dir, "--quiet");
        Assert.True(train.Code == ExitCodes.Ok, train.ToString());
        var export = RunnerHarness.Run("export", "--run", dir, "--out", Path.Combine(dir, "exported.onnx"));
        Assert.True(export.Code == ExitCodes.Ok, export.ToString());

        // Our own decode of the same draws, before the weights go: the reference floats.
        var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
        float[] ours;
        using (var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1))
        using (var model = OnnxTestRuns.Load(acc, dir, config, 32))
        {
            var picture = RunPictures.Samples(model, config, Samples, label: null);
            string again = Path.Combine(dir, "samples-again.png");
            picture.Save(again);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "samples.png")), File.ReadAllBytes(again));
            ours = RunPictures.DecodeMany(model, RunPictures.Normals(model, Samples, 0),
                OneHotByRow(config.Classes), Samples);
        }
        File.Delete(Path.Combine(dir, Checkpoint.ModelFile));
        File.Delete(Path.Combine(dir, Checkpoint.OptimizerFile));
        var sample = RunnerHarness.Run("sample", "--run", dir);
        Assert.Equal(ExitCodes.UserError, sample.Code); // the run itself can no longer decode

        // From here on only the ONNX file: its metadata gives seed, sizes and classes.
        string onnx = Path.Combine(dir, "exported.onnx");
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        var meta = session.ModelMetadata.CustomMetadataMap;
        using var json = JsonDocument.Parse(meta[OnnxExporter.ConfigKey]);
        ulong seed = json.RootElement.GetProperty("seed").GetUInt64();
        int latent = int.Parse(meta[OnnxExporter.LatentKey]);
        int classes = int.Parse(meta[OnnxExporter.ClassesKey]);
        int width = int.Parse(meta[OnnxExporter.WidthKey]), height = int.Parse(meta[OnnxExporter.HeightKey]);
        var z = new float[Samples * latent];
        Philox.FillNormal(z, seed, RngStreams.Sample(0));
        var images = OnnxTestRuns.Run(onnx, Samples, ("z", z), ("label", OneHotByRow(classes)))["image"];

        Float64Reference.AssertClose("onnx vs our decode", images, Float64Reference.ToDouble(ours), 1e-5, 0,
            $"{dir}");
        var grid = ImageGrid.Gray(images, Samples, width, height, columns: 8);
        var expected = ImageGrid.Gray(ours, Samples, width, height, columns: 8);
        Assert.Equal((expected.Width, expected.Height), (grid.Width, grid.Height));
        int differing = grid.Pixels.Zip(expected.Pixels, (a, b) => a != b ? 1 : 0).Sum();
        int worst = grid.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"max |onnx - ours| {images.Zip(ours, (a, b) => Math.Abs(a - b)).Max():E2}; "
            + $"{differing} of {grid.Pixels.Length} grid bytes differ, by at most {worst}");
        // A float difference of ~1e-7 can move a pixel across a rounding boundary of the 8-bit grey,
        // so the grid may differ by one grey level in rare pixels, never more.
        Assert.InRange(worst, 0, 1);
        Assert.InRange(differing, 0, grid.Pixels.Length / 1000);
        if (differing == 0)
        {
            string fromOnnx = Path.Combine(dir, "samples-from-onnx.png");
            grid.Save(fromOnnx);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "samples.png")), File.ReadAllBytes(fromOnnx));
        }
    }

    private static float[] OneHotByRow(int classes) =>
        RunPictures.OneHot(Enumerable.Range(0, Samples).Select(i => i % classes).ToArray(), classes);
}
