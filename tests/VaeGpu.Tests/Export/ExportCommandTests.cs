// `VaeGpu.Runner export` end to end in-process: it writes the asked part where asked and prints its
// signature; every bad input (no run, no model, a part the model lacks, an unknown part, an output that
// cannot be written) is one line on stderr with exit code 2 and leaves no file behind.
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Runner;

namespace VaeGpu.Tests.Export;

public sealed class ExportCommandTests
{
    [Fact]
    public void ExportWritesTheDecoderByDefaultAndTheEncoderWhereAsked()
    {
        using var temp = new TempFolder("onnx");
        var (dir, _) = OnnxTestRuns.Make(temp, "vae", "relu", 3);
        var decoder = RunnerHarness.Run("export", "--run", dir);
        Assert.True(decoder.Code == ExitCodes.Ok, decoder.ToString());
        Assert.Equal("inputs: z: float32 [batch, 3] (latent code, e.g. z ~ N(0, I))", decoder.OutLines[0]);
        Assert.StartsWith("outputs: image: float32 [batch, 35]", decoder.OutLines[1]);
        Assert.StartsWith($"wrote {Path.Combine(dir, "decoder.onnx")} (", decoder.OutLines[2]);
        Assert.Equal("", decoder.Err);

        string nested = Path.Combine(dir, "new", "folder", "vae-encoder.onnx");
        var encoder = RunnerHarness.Run("export", "--run", dir, "--part", "encoder", "--out", nested);
        Assert.True(encoder.Code == ExitCodes.Ok, encoder.ToString());
        Assert.StartsWith("outputs: mu: float32 [batch, 3]", encoder.OutLines[1]);
        Assert.Contains("logvar: float32 [batch, 3]", encoder.OutLines[1]);
        Assert.True(new FileInfo(nested).Length > 0);
        var outputs = OnnxTestRuns.Run(nested, 2, ("image", new float[2 * 35]));
        Assert.Equal(["mu", "logvar"], outputs.Keys);
    }

    [Fact]
    public void BadInputIsOneLineAndExitCodeTwo()
    {
        using var vaeFolder = new TempFolder("onnx");
        var (vae, _) = OnnxTestRuns.Make(vaeFolder, "vae", "relu", 4);
        using var noModelFolder = new TempFolder("onnx");
        var (noModel, _) = OnnxTestRuns.Make(noModelFolder, "ae", "tanh", 4);
        File.Delete(Path.Combine(noModel, Checkpoint.ModelFile));
        using var emptyFolder = new TempFolder("onnx-empty");
        string empty = emptyFolder.Path;
        string aFile = Path.Combine(vae, "a-file");
        File.WriteAllText(aFile, "not a folder");

        Fails(["export", "--run", vae, "--part", "generator"],
            $"error: --part generator: {vae} holds a vae, which has no generator "
            + "(parts decoder and encoder)");
        Fails(["export", "--run", vae, "--part", "mlp"],
            "error: --part: expected decoder, encoder, generator, got 'mlp'");
        Fails(["export", "--run", noModel], "error: " + Path.Combine(noModel, Checkpoint.ModelFile)
            + " not found: no completed epoch to load");
        Fails(["export", "--run", empty],
            $"error: {Path.Combine(empty, Checkpoint.ConfigFile)} not found: is this a VaeGpu run folder?");
        Fails(["export", "--run", vae, "--out", Path.Combine(aFile, "decoder.onnx")],
            $"error: --out {Path.Combine(aFile, "decoder.onnx")}: cannot write the ONNX file (");
        Fails(["export", "--run", vae, "--out", empty],
            $"error: --out {empty}: is a folder; give a file name");
        Fails(["export"], "error: Option '--run' is required. (see --help)");

        // Nothing was written, not even a temp file.
        Assert.Empty(Directory.GetFiles(vae, "*.onnx*"));
        Assert.Empty(Directory.GetFiles(noModel, "*.onnx*"));
        Assert.Empty(Directory.GetFileSystemEntries(empty));
    }

    private static void Fails(string[] args, string expectedStart)
    {
        var result = RunnerHarness.Run(args);
        Assert.True(result.Code == ExitCodes.UserError, result.ToString());
        Assert.Single(result.ErrLines);
        Assert.StartsWith(expectedStart, result.ErrLines[0]);
        Assert.Equal("", result.Out);
    }
}
