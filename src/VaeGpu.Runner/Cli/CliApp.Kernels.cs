// `kernels --lang opencl|ptx [--arch 80] [--kernel NAME]`: prints what each compiler made of the C#
// [Kernel] methods: the OpenCL C of our translator, or the PTX that ILGPU compiles from IL (for the given
// architecture, no GPU needed). VaeGpu.Kernels.Gpu.KernelListing does the work; this only prints.
using System.CommandLine;
using VaeGpu.Kernels.Gpu;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command KernelsCommand()
    {
        var lang = new Option<string>("--lang")
            { Description = "opencl (our translator) or ptx (ILGPU)", DefaultValueFactory = _ => "opencl" };
        lang.AcceptOnlyFromAmong("opencl", "ptx");
        var arch = new Option<int>("--arch")
        {
            Description = "CUDA architecture for --lang ptx (70, 80, 90, ...)",
            DefaultValueFactory = _ => 80,
        };
        var kernel = new Option<string?>("--kernel")
            { Description = "Print only this kernel (default: the whole program)" };
        var list = new Option<bool>("--list") { Description = "List the kernel names and parameters" };
        var command = new Command("kernels", "Print the OpenCL C or the PTX compiled from the C# kernels")
            { lang, arch, kernel, list };
        command.SetAction(parse =>
        {
            bool ptx = parse.GetValue(lang) == "ptx";
            var all = KernelListing.All;
            if (parse.GetValue(list))
            {
                foreach (var source in all)
                    _out.WriteLine(source.Name
                        + $"({string.Join(", ", source.Parameters.Select(p => $"{p.Kind} {p.Name}"))})"
                        + (source.UsesBarrier ? " [barrier]" : ""));
                return ExitCodes.Ok;
            }
            int architecture = parse.GetValue(arch);
            if (ptx && (architecture < 30 || architecture > 129))
                throw new UserErrorException(
                    $"--arch: {architecture} is not a CUDA architecture (e.g. 70, 80, 90)");
            string? name = parse.GetValue(kernel);
            var chosen = all;
            if (name is not null)
            {
                var match = all.FirstOrDefault(
                        k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserErrorException(
                        $"--kernel: no kernel '{name}'; known: "
                        + string.Join(", ", all.Select(k => k.Name)));
                chosen = [match];
                if (!ptx)
                {
                    _out.WriteLine(match.OpenCL);
                    return ExitCodes.Ok;
                }
            }
            _out.Write(ptx ? KernelListing.Ptx(chosen, architecture) : KernelListing.OpenCLProgram);
            return ExitCodes.Ok;
        });
        return command;
    }
}
