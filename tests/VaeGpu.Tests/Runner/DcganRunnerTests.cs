// The dcgan through the CLI on USPS (16x16: D's F is 64, G starts from 4x4): every file of its run
// folder with PyTorch names for the batch norms, sample --run, and the bad-input lines. Its --resume
// check (running statistics are part of the checkpoint) is a case of GanRunnerTests' resume theory.
using System.Text.Json;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class DcganRunnerTests(ITestOutputHelper output)
{
    [DataFact("usps")]
    public void DcganRunWritesEveryFile()
    {
        using var temp = new TempFolder("dcgan");
        string dir = temp.Path;
        GanRunnerTests.TrainTwoUspsEpochs(output, "dcgan", "300", dir);
        var (tensors, meta) = SafeTensors.Read(Path.Combine(dir, "model.safetensors"));
        int[] Shape(string name) => tensors.Single(t => t.Name == name).Shape;
        Assert.Equal([1024, 96], Shape("generator.0.weight"));
        Assert.Equal([1024], Shape("generator.2.running_mean"));
        Assert.Equal([128 * 4 * 4, 1024], Shape("generator.3.weight"));
        Assert.Equal([2048], Shape("generator.5.running_var"));
        Assert.Equal([128, 64, 4, 4], Shape("generator.7.weight"));
        Assert.Equal([64], Shape("generator.9.bias"));
        Assert.Equal([64, 1, 4, 4], Shape("generator.10.weight"));
        Assert.Equal([32, 1, 5, 5], Shape("discriminator.0.weight"));
        Assert.Equal([64, 32, 5, 5], Shape("discriminator.3.weight"));
        Assert.Equal([64, 64], Shape("discriminator.7.weight"));
        Assert.Equal([1, 64], Shape("discriminator.9.weight"));
        // Training moved the running statistics away from PyTorch's initial 0 and 1.
        Assert.Contains(tensors.Single(t => t.Name == "generator.9.running_var").Data, v => v != 1f);
        Assert.Contains("\"BatchNorm2d(num_features=64)\"", meta["architecture"]);
        var config = RunnerHarness.Config(dir);
        Assert.Equal("dcgan", config.GetProperty("model").GetString());
        var generator = config.GetProperty("architecture").GetProperty("generator");
        Assert.Equal("BatchNorm1d", generator[2].GetProperty("type").GetString());
        Assert.Equal([128, 4, 4], generator[6].GetProperty("unflattened_size").EnumerateArray()
            .Select(e => e.GetInt32()));
        Assert.Equal("MaxPool2d", config.GetProperty("architecture").GetProperty("discriminator")[2]
            .GetProperty("type").GetString());
        string png = Path.Combine(dir, "s.png");
        var sample = RunnerHarness.Run("sample", "--run", dir, "--n", "9", "--out", png);
        Assert.True(sample.Code == 0, sample.ToString());
        Assert.Equal(("L", 3 * 18 + 2, 3 * 18 + 2), RunnerHarness.DecodePng(png));
        var label = RunnerHarness.Run("sample", "--run", dir, "--label", "3");
        Assert.True(label.Code == 2, label.ToString());
        Assert.Single(label.ErrLines);
    }

    [Theory]
    [InlineData("--model dcgan --limit 129 --batch-size 128",
        "--batch-size 128: 129 training images in batches of 128 leave a last batch of 1 image")]
    [InlineData("--model dcgan --limit 1", "leave a last batch of 1 image")]
    [InlineData("--model dcgan --arch conv", "--arch: applies to the VAEs")]
    [InlineData("--model dcgan --noise 0", "--noise: expected a positive integer")]
    public void BadDcganOptionsAreOneLineAndExitTwo(string args, string message) =>
        GanRunnerTests.AssertRefusedOnUsps(args, message);

    [Theory]
    [InlineData(12, 12, "--model dcgan: D's two 5x5 convolutions and 2x2 poolings need images of at least "
        + "16x16, got 12x12")]
    [InlineData(18, 18, "--model dcgan: G's two stride-2 transposed convolutions need an image size "
        + "divisible by 4, got 18x18")]
    public void ImagesTheDcganCannotTakeAreOneLine(int width, int height, string message)
    {
        var config = new RunConfig
        {
            Model = ModelKind.Dcgan, InputDim = width * height, ImageWidth = width, ImageHeight = height,
        };
        Assert.StartsWith(message, SettingsTable.Check(config));
        Assert.Null(SettingsTable.Check(config with { InputDim = 256, ImageWidth = 16, ImageHeight = 16 }));
        Assert.False(JsonDocument.Parse(config.ToJson()).RootElement.TryGetProperty("architecture", out _));
    }
}
