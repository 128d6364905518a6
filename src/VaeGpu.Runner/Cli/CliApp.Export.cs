// The export sub-command, a thin adapter over Export/OnnxExporter: `export --run R [--part decoder|
// encoder|generator] [--out FILE]` writes an ONNX model of that part (default: a VAE's decoder, a GAN's
// generator) and prints where, with the graph's inputs and outputs. Errors a user can cause come back as
// UserErrorException (one line, exit 2); an internal error adds its report to RUN/crash.txt.
using System.CommandLine;
using VaeGpu.Runner.Export;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command ExportCommand()
    {
        var run = new Option<string>("--run") { Description = "Run folder with model.safetensors",
            Required = true };
        var part = new Option<string?>("--part")
        {
            Description = "decoder (z [+ one-hot label] -> image in [0, 1]; a VAE's default), encoder (image "
                + "-> mu, logvar) or generator (a GAN's noise [+ one-hot label] -> image in [0, 1]; a GAN's "
                + "default)",
        };
        var output = new Option<string?>("--out") { Description = "ONNX file (default RUN/PART.onnx)" };
        var command = new Command("export",
            "Write a trained model's decoder, encoder or generator as an ONNX file (opset 13, float32, "
            + "dynamic batch) "
            + "for ONNX Runtime, ML.NET or any ONNX runtime")
            { run, part, output };
        command.SetAction(parse =>
        {
            string? asked = parse.GetValue(part);
            string runDir = parse.GetValue(run)!;
            return CrashReport.Guard(_console, runDir, () =>
            {
                var result = OnnxExporter.Export(runDir, asked is null ? null : OnnxExporter.ParsePart(asked),
                    parse.GetValue(output));
                _out.WriteLine($"inputs: {result.Signature.InputsText}");
                _out.WriteLine($"outputs: {result.Signature.OutputsText}");
                _out.WriteLine($"wrote {result.Path} ({result.Bytes} bytes, epoch {result.Epoch})");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
