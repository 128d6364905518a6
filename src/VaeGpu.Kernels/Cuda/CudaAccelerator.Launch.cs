// Launching on ILGPU: the generated launch helpers stage arguments through IKernelLauncher; the kernel is
// loaded (compiled by ILGPU) on its first launch and bound by its generated Bind<Name> to a typed launcher.
// A launch checks the group against the device's limit and allocates nothing.
using ILGPU;
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Cuda;

public sealed partial class CudaAccelerator
{
    /// <summary>
    /// A launcher for another assembly's generated kernels (its GeneratedKernels.All and IlgpuBindings),
    /// as the translator tests use for their own test kernels.
    /// </summary>
    internal IKernelLauncher LoadModule(IReadOnlyList<KernelSource> kernels,
        IReadOnlyList<IlgpuBinding?> bindings)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(bindings);
        ThrowIfDisposed();
        return new CudaLauncher(this, kernels, bindings);
    }

    /// <summary>Binds generated launch helpers to ILGPU kernels; one kernel is staged at a time.</summary>
    private sealed class CudaLauncher(CudaAccelerator owner, IReadOnlyList<KernelSource> kernels,
        IReadOnlyList<IlgpuBinding?> bindings) : IKernelLauncher, IDisposable
    {
        private readonly IlgpuInvoker?[] _invokers = new IlgpuInvoker?[kernels.Count];
        private readonly IlgpuArguments _args = new();
        private int _current = -1;

        public void Begin(int kernelId)
        {
            if ((uint)kernelId >= (uint)_invokers.Length)
                throw new ArgumentOutOfRangeException(nameof(kernelId), $"no generated kernel {kernelId} "
                    + $"(the program has {_invokers.Length})");
            _current = kernelId;
        }

        public void SetBuffer<T>(int index, BufferView<T> view) where T : unmanaged
        {
            if (view.Buffer is not CudaBuffer<T> buffer || !ReferenceEquals(buffer.Owner, owner))
                throw new ArgumentException($"kernel {Name}: parameter {index} is {view}, "
                    + $"not a buffer of {owner.Name}", nameof(view));
            _args.SetBuffer(index, buffer.Memory, view.Offset, view.Length);
        }

        public void SetInt(int index, int value) => _args.SetBits(index, value);

        public void SetUInt(int index, uint value) => _args.SetBits(index, (int)value);

        public void SetFloat(int index, float value) =>
            _args.SetBits(index, BitConverter.SingleToInt32Bits(value));

        public void Launch(in LaunchDims dims)
        {
            if (_current < 0)
                throw new InvalidOperationException("IKernelLauncher.Begin was not called before Launch");
            int maxGroup = owner._device.MaxNumThreadsPerGroup;
            if (dims.LocalX * dims.LocalY > maxGroup || dims.GlobalX % dims.LocalX != 0
                || dims.GlobalY % dims.LocalY != 0)
                throw new ArgumentException($"kernel {Name}: launch {dims} needs groups of at most "
                    + $"{maxGroup} work-items and global sizes that are multiples of the group",
                    nameof(dims));
            IlgpuInvoker invoker = _invokers[_current] ??= Load(_current);
            var grid = new Index2D(dims.GlobalX / dims.LocalX, dims.GlobalY / dims.LocalY);
            var config = new KernelConfig(grid, new Index2D(dims.LocalX, dims.LocalY));
            invoker(owner._device.DefaultStream, config, _args);
            _args.Clear();
            owner.CountLaunch();
        }

        public void Dispose() => _args.Clear();

        private string Name => _current < 0 ? "(none)" : kernels[_current].Name;

        private IlgpuInvoker Load(int id)
        {
            IlgpuBinding binding = bindings[id]
                ?? throw new InvalidOperationException($"kernel {kernels[id].Name} has no launcher");
            return binding.Bind(owner._device.LoadKernel(binding.Method));
        }
    }
}
