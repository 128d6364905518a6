// The `selftest` sub-command, built here so the CLI adds it with one line:
//   root.Add(SelfTestCommand.Create(_out, _err, dir => LoadDataset("mnist", dir, quiet: true)));
// Defaults fit a GPU machine: cuda against cpu, every op, GEMM timing, one full MNIST epoch on each.
using System.CommandLine;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.SelfTest;

/// <summary>Creates the `selftest` command.</summary>
public static class SelfTestCommand
{
    /// <summary>
    /// The command; <paramref name="loadMnist"/> finds (or fetches) MNIST given the --data-dir value and is
    /// only called when the accelerator under test is available.
    /// </summary>
    public static Command Create(TextWriter output, TextWriter error, Func<string?, Dataset> loadMnist)
    {
        var accelerator = new Option<string>("--accelerator")
        {
            Description = "Backend to check against cpu", DefaultValueFactory = _ => "cuda",
        };
        accelerator.AcceptOnlyFromAmong("cuda", "opencl", "cpu");
        var device = new Option<int>("--device") { Description = "Device index within the backend" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the random inputs (default: fresh)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the MNIST files" };
        var limit = new Option<int?>("--limit") { Description = "Train the epoch on the first N images" };
        var noEpoch = new Option<bool>("--no-epoch") { Description = "Skip the MNIST epoch (needs no data)" };
        var noGemm = new Option<bool>("--no-gemm") { Description = "Skip the GEMM timing" };
        var command = new Command("selftest",
            "Check a GPU: every op against cpu, GEMM GFLOP/s and one MNIST epoch on both, side by side")
        {
            accelerator, device, seed, dataDir, limit, noEpoch, noGemm,
        };
        command.SetAction(parse =>
        {
            Accelerators.TryParseKind(parse.GetValue(accelerator)!, out var kind);
            var options = new SelfTestOptions { Kind = kind, Device = parse.GetValue(device) };
            if (parse.GetValue(seed) is { } fixedSeed) options = options with { Seed = fixedSeed };
            if (parse.GetValue(noGemm)) options = options with { GemmShapes = [] };
            if (!parse.GetValue(noEpoch))
            {
                string? dir = parse.GetValue(dataDir);
                int? images = parse.GetValue(limit);
                options = options with
                {
                    Epoch = SelfTestEpoch.Create(() => loadMnist(dir), images),
                    DataDescription = $"MNIST, {(images is { } n ? $"first {n}" : "all")} training images, "
                        + "784-400-20 VAE, Adam, batch 128, seed 1",
                };
            }
            return GpuSelfTest.Run(options, output, error);
        });
        return command;
    }
}
