// The sweep's plan: grid expansion (every combination, first key slowest), plan files, run names,
// and how each key changes the base configuration; bad grids fail before anything trains.
using VaeGpu.Runner.Training;

namespace VaeGpu.Tests.Sweep;

public sealed class SweepPlanTests
{
    private static readonly RunConfig Base = new();

    [Fact]
    public void GridExpandsEveryCombinationFirstKeySlowest()
    {
        var runs = SweepPlan.ParseGrid("latent=2,5,10; beta=0.5,4");
        Assert.Equal(6, runs.Count);
        var names = runs.Select(SweepPlan.Name).ToArray();
        Assert.Equal(["latent-2_beta-0.5", "latent-2_beta-4", "latent-5_beta-0.5", "latent-5_beta-4",
            "latent-10_beta-0.5", "latent-10_beta-4"], names);
        var built = SweepPlan.Build(Base, runs);
        Assert.Equal([2, 2, 5, 5, 10, 10], built.Select(r => r.Config.Latent));
        Assert.Equal([0.5, 4, 0.5, 4, 0.5, 4], built.Select(r => r.Config.Beta));
    }

    [Fact]
    public void KeysChangeTheirSettingsOnly()
    {
        RunConfig Apply(string key, string value) => SweepPlan.Apply(Base, [(key, value)]);
        Assert.Equal([1000], Apply("hidden", "1000").Encoder);
        Assert.Equal([1000], Apply("hidden", "1000").Decoder);
        Assert.Equal([400, 400, 400], Apply("depth", "3").Encoder);
        Assert.Equal([400, 400, 400], Apply("depth", "3").Decoder);
        Assert.Equal([400, 400], Apply("encoder-depth", "2").Encoder);
        Assert.Equal([400], Apply("encoder-depth", "2").Decoder);
        Assert.Equal([512, 256], Apply("encoder", "512:256").Encoder);
        Assert.Equal(256, Apply("dataset", "usps").InputDim);
        Assert.Equal(16, Apply("dataset", "usps").ImageWidth);
        Assert.Equal(VaeGpu.Kernels.OptimizerKind.RmsProp, Apply("optimizer", "rmsprop").Optimizer);
        Assert.Equal(0.01, Apply("lr", "1e-2").Lr);
        Assert.Equal(64, Apply("batch", "64").BatchSize);
        Assert.Equal(VaeGpu.Layers.ModelKind.Cvae, Apply("model", "cvae").Model);
        Assert.Equal(64, Apply("batch-size", "64").BatchSize);
        Assert.Equal([512, 256], Apply("encoder", "512,256").Encoder);
        var changed = Apply("beta", "2");
        Assert.Equal(Base with { Beta = 2 }, changed with { Encoder = Base.Encoder, Decoder = Base.Decoder });
        // hidden and depth together: depth layers of the hidden size, whatever their order in the run
        var both = SweepPlan.Apply(Base, [("depth", "2"), ("hidden", "100")]);
        Assert.Equal([100, 100], both.Encoder);
        Assert.Equal([100, 100], both.Decoder);
        // the dataset is applied before a preset, so a USPS preset fits a USPS sweep
        var preset = SweepPlan.Apply(Base, [("preset", "usps-vae-128-64"), ("dataset", "usps")]);
        Assert.Equal([128, 64], preset.Encoder);
    }

    [Fact]
    public void PlanFilesHoldOneRunPerLine()
    {
        var runs = SweepPlan.ParsePlan("plan.txt",
            "# VAE against CVAE\nmodel=vae\n\nmodel=cvae latent=5 # small z\n");
        Assert.Equal(["model-vae", "model-cvae_latent-5"], runs.Select(SweepPlan.Name));
    }

    [Theory]
    [InlineData("latent", "--grid: 'latent' is not KEY=V1")]
    [InlineData("latent=", "is not KEY=V1")]
    [InlineData("depthx=1", "unknown key 'depthx'")]
    [InlineData("latent=2;latent=3", "'latent' appears twice")]
    [InlineData("latent=2,2", "repeats a value")]
    [InlineData("latent=2,,3", "empty value")]
    [InlineData("", "at least one key")]
    public void BadGridsSayWhatIsWrong(string grid, string expected)
    {
        var e = Assert.Throws<UserErrorException>(() => SweepPlan.ParseGrid(grid));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("latent=0", "latent=0: expected a positive integer, got '0'")]
    [InlineData("beta=-1", "beta=-1: expected a number >= 0")]
    [InlineData("optimizer=lbfgs", "optimizer=lbfgs: expected one of adam, sgd, rmsprop, adagrad")]
    [InlineData("lr=fast", "lr=fast: expected a positive number")]
    [InlineData("encoder=512:x", "encoder=512:x: expected positive layer sizes")]
    [InlineData("preset=nope", "preset=nope: expected a preset name")]
    public void BadValuesNameTheRun(string grid, string expected)
    {
        var e = Assert.Throws<UserErrorException>(() => SweepPlan.Build(Base, SweepPlan.ParseGrid(grid)));
        Assert.StartsWith("sweep run '", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadPlanLinesNameFileAndLine()
    {
        var e = Assert.Throws<UserErrorException>(() => SweepPlan.ParsePlan("p.txt", "latent=2\nbeta 1\n"));
        Assert.StartsWith("p.txt:2: 'beta' is not KEY=VALUE", e.Message);
        e = Assert.Throws<UserErrorException>(() => SweepPlan.ParsePlan("p.txt", "# nothing\n"));
        Assert.Contains("no runs", e.Message);
    }
}
