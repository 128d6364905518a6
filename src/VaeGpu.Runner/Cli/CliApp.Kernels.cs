// `kernels --lang opencl|cuda [--kernel NAME]`: prints the OpenCL C or CUDA C that the source generator
// made from the C# [Kernel] methods. The generated class is internal to VaeGpu.Kernels and exists only
// when the generator ran, so it is found by reflection (constants and the KernelSource list are public
// members of it); a build without it is told so plainly.
using System.CommandLine;
using System.Reflection;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Device;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private const string GeneratedTypeName = "VaeGpu.Kernels.Generated.GeneratedKernels";

    private Command KernelsCommand()
    {
        var lang = new Option<string>("--lang")
            { Description = "opencl or cuda", DefaultValueFactory = _ => "opencl" };
        lang.AcceptOnlyFromAmong("opencl", "cuda");
        var kernel = new Option<string?>("--kernel")
            { Description = "Print only this kernel (default: the whole program)" };
        var list = new Option<bool>("--list") { Description = "List the kernel names and parameters" };
        var command = new Command("kernels", "Print the OpenCL C or CUDA C generated from the C# kernels")
            { lang, kernel, list };
        command.SetAction(parse =>
        {
            bool cuda = parse.GetValue(lang) == "cuda";
            var generated = typeof(Accelerator).Assembly.GetType(GeneratedTypeName)
                ?? throw new UserErrorException("this build of VaeGpu.Kernels contains no generated kernels "
                    + $"({GeneratedTypeName} is absent: the source generator did not run or found no "
                    + "[Kernel] methods)");
            var all = Member<IReadOnlyList<KernelSource>>(generated, "All");
            if (parse.GetValue(list))
            {
                foreach (var source in all)
                    _out.WriteLine(source.Name
                        + $"({string.Join(", ", source.Parameters.Select(p => $"{p.Kind} {p.Name}"))})"
                        + (source.UsesBarrier ? " [barrier]" : ""));
                return ExitCodes.Ok;
            }
            string? name = parse.GetValue(kernel);
            if (name is null)
            {
                _out.Write(Member<string>(generated, cuda ? "CudaProgram" : "OpenCLProgram"));
                return ExitCodes.Ok;
            }
            var match = all.FirstOrDefault(
                    k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserErrorException(
                    $"--kernel: no kernel '{name}'; known: {string.Join(", ", all.Select(k => k.Name))}");
            _out.WriteLine(cuda ? match.Cuda : match.OpenCL);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static T Member<T>(Type type, string name)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        object? value = type.GetProperty(name, Flags)?.GetValue(null)
            ?? type.GetField(name, Flags)?.GetValue(null);
        return value is T typed ? typed
            : throw new InvalidOperationException(
                $"{type.FullName}.{name} is missing or not a {typeof(T).Name}");
    }
}
