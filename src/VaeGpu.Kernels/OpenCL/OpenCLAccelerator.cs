// The OpenCL backend: one context and in-order queue on one device. Ops come from KernelAccelerator,
// which launches the generated kernels through the module built here once per context; this file
// holds the lifetime and the module cache, OpenCLAccelerator.Memory.cs the buffers and copies.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Generated;
using VaeGpu.Kernels.Gpu;

namespace VaeGpu.Kernels.OpenCL;

/// <summary>Runs the op set on an OpenCL 1.2 device.</summary>
public sealed unsafe partial class OpenCLAccelerator : KernelAccelerator
{
    /// <summary>Options every program is built with: OpenCL C 1.2, strict IEEE float math.</summary>
    public const string BuildOptions = "-cl-std=CL1.2";

    /// <summary>Work-items per group the VaeGpu kernels need at most.</summary>
    private const int RequiredWorkGroup = 256;

    private readonly GemmTiling _tiling;
    // CPU devices with the default tiling: tilings for products of at most 32 and 64 rows, whose programs
    // (GEMM kernels only used) are built on first use; empty where a tiling was given or on GPUs.
    private readonly GemmTiling[] _thinTilings;
    private readonly OpenCLModule?[] _thinModules;
    private readonly Dictionary<(string Program, string Options), OpenCLModule> _modules = new();
    private OpenCLModule? _opsModule;

    private OpenCLAccelerator(DeviceEntry entry, GemmTiling? tiling)
    {
        Info = entry.Info;
        Device = entry.Device;
        long maxGroup = (long)ClApi.DeviceValue<nuint>(Device, ClApi.DeviceMaxWorkGroupSize);
        if (maxGroup < RequiredWorkGroup)
            throw new AcceleratorUnavailableException(
                $"OpenCL device {entry.Index} ({Info.Name}) runs work-groups of at most {maxGroup} "
                + $"work-items; VaeGpu's kernels need {RequiredWorkGroup}");
        // CPU devices (PoCL) run fatter work-items faster; GPUs keep the compiled-in tiles.
        bool cpuDevice = (ClApi.DeviceValue<ulong>(Device, ClApi.DeviceType) & ClApi.DeviceTypeCpu) != 0;
        _tiling = tiling ?? (cpuDevice ? GemmTiling.CpuDevice : GemmTiling.Default);
        _tiling.Validate(maxGroup);
        _thinTilings = tiling is null && cpuDevice
            ? [GemmTiling.CpuDeviceRows32, GemmTiling.CpuDeviceRows64] : [];
        foreach (var thin in _thinTilings) thin.Validate(maxGroup);
        _thinModules = new OpenCLModule?[_thinTilings.Length];
        ClStatus status;
        nint device = Device;
        Context = ClApi.CreateContext(null, 1, &device, 0, 0, &status);
        OpenCLException.ThrowIfFailed(status, Info.Name);
        Queue = ClApi.CreateCommandQueue(Context, Device, 0, &status);
        if (status != ClStatus.Success)
        {
            ClApi.ReleaseContext(Context);
            OpenCLException.ThrowIfFailed(status, Info.Name);
        }
    }

    /// <inheritdoc/>
    public override AcceleratorKind Kind => AcceleratorKind.OpenCL;

    /// <inheritdoc/>
    public override AcceleratorInfo Info { get; }

    internal nint Device { get; }
    internal nint Context { get; private set; }
    internal nint Queue { get; private set; }

    /// <summary>The module of VaeGpu's own kernels, built on first use.</summary>
    protected override IKernelLauncher Launcher =>
        _opsModule ??= LoadModule(GeneratedKernels.OpenCLProgram, GeneratedKernels.All,
            $"{BuildOptions} {_tiling.Defines}");

    /// <inheritdoc/>
    protected override GemmTiling Tiling => _tiling;

    /// <inheritdoc/>
    protected override (IKernelLauncher Launcher, GemmTiling Tiling) GemmProgram(int m)
    {
        for (int i = 0; i < _thinTilings.Length; i++)
        {
            if (m > _thinTilings[i].TileM) continue;
            _thinModules[i] ??= LoadModule(GeneratedKernels.OpenCLProgram, GeneratedKernels.All,
                $"{BuildOptions} {_thinTilings[i].Defines}");
            return (_thinModules[i]!, _thinTilings[i]);
        }
        return (Launcher, _tiling);
    }

    /// <summary>
    /// Builds an OpenCL C program (once per accelerator, program text and options; later calls return the
    /// cached module) and returns the launcher for its kernels; a failed build throws with the build log.
    /// </summary>
    public OpenCLModule LoadModule(string program, IReadOnlyList<KernelSource> kernels,
        string options = BuildOptions)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        if (_modules.TryGetValue((program, options), out var cached)) return cached;
        var module = new OpenCLModule(this, program, kernels, options);
        _modules.Add((program, options), module);
        return module;
    }

    internal void ThrowIfDisposedInternal() => ThrowIfDisposed();

    /// <inheritdoc/>
    protected override void SynchronizeCore() => OpenCLException.ThrowIfFailed(ClApi.Finish(Queue));

    /// <inheritdoc/>
    protected override void DisposeDeviceCore()
    {
        var errors = new List<Exception>();
        void Try(Action action)
        {
            try { action(); }
            catch (OpenCLException e) { errors.Add(e); }
        }
        Try(() => OpenCLException.ThrowIfFailed(ClApi.Finish(Queue)));
        foreach (var module in _modules.Values) Try(module.Release);
        _modules.Clear();
        _opsModule = null;
        Try(() => OpenCLException.ThrowIfFailed(ClApi.ReleaseCommandQueue(Queue)));
        Try(() => OpenCLException.ThrowIfFailed(ClApi.ReleaseContext(Context)));
        Queue = 0;
        Context = 0;
        if (errors.Count > 0) throw new AggregateException($"releasing {Info.Name} failed", errors);
    }
}
