// One built OpenCL program and its kernels: created once per accelerator and program text, then used as
// the IKernelLauncher that the generated launch helpers drive (Begin, Set* in parameter order, Launch).
// Each Buf<T> parameter is two device arguments, the cl_mem and the view's element offset.
using System.Text;
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.OpenCL;

/// <summary>
/// A built OpenCL program whose kernels launch on the owning accelerator's queue. Not thread-safe.
/// </summary>
public sealed unsafe class OpenCLModule : IKernelLauncher
{
    private readonly OpenCLAccelerator _owner;
    private readonly Slot?[] _slots; // indexed by KernelSource.Id
    private Slot? _current;
    private ulong _setMask;
    private nint _program;

    private sealed class Slot(KernelSource source, nint kernel, int[] deviceArgs)
    {
        public readonly KernelSource Source = source;
        public nint Kernel = kernel;
        public readonly int[] DeviceArgs = deviceArgs; // first device argument of each parameter
        public readonly ulong AllSet = source.Parameters.Count == 64 ? ulong.MaxValue
            : (1UL << source.Parameters.Count) - 1;
    }

    internal OpenCLModule(OpenCLAccelerator owner, string program, IReadOnlyList<KernelSource> kernels,
        string options)
    {
        _owner = owner;
        _program = Build(owner, program, options);
        int maxId = -1;
        foreach (var source in kernels)
        {
            if (source.Id < 0)
                throw new ArgumentException($"kernel {source.Name} has negative id {source.Id}");
            if (source.Parameters.Count > 64)
                throw new ArgumentException(
                    $"kernel {source.Name} has {source.Parameters.Count} parameters (max 64)");
            maxId = Math.Max(maxId, source.Id);
        }
        _slots = new Slot?[maxId + 1];
        try
        {
            foreach (var source in kernels)
            {
                if (_slots[source.Id] is not null)
                    throw new ArgumentException(
                        $"kernel id {source.Id} is used by {_slots[source.Id]!.Source.Name} "
                        + $"and {source.Name}");
                _slots[source.Id] = new Slot(source, CreateKernel(source.Name), DeviceArgIndices(source));
            }
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Begin(int kernelId)
    {
        if ((uint)kernelId >= (uint)_slots.Length || _slots[kernelId] is null)
            throw new ArgumentOutOfRangeException(nameof(kernelId),
                $"no kernel with id {kernelId} in this module");
        _owner.ThrowIfDisposedInternal();
        _current = _slots[kernelId];
        _setMask = 0;
    }

    /// <inheritdoc/>
    public void SetBuffer<T>(int index, BufferView<T> view) where T : unmanaged
    {
        var slot = Check(index, BufferKind<T>());
        if (view.Buffer is not OpenCLBuffer<T> buffer || !ReferenceEquals(buffer.Owner, _owner))
            throw new ArgumentException(
                $"{slot.Source.Name}: parameter {slot.Source.Parameters[index].Name} needs a buffer of "
                + $"{_owner.Name}, got {view}");
        if (buffer.IsDisposed)
            throw new ObjectDisposedException(slot.Source.Parameters[index].Name, "buffer was disposed");
        nint handle = buffer.Handle;
        int offset = view.Offset;
        int arg = slot.DeviceArgs[index];
        SetArg(slot, arg, (nuint)sizeof(nint), &handle);
        SetArg(slot, arg + 1, sizeof(int), &offset);
        _setMask |= 1UL << index;
    }

    /// <inheritdoc/>
    public void SetInt(int index, int value) => SetScalar(index, KernelParameterKind.Int, &value);

    /// <inheritdoc/>
    public void SetUInt(int index, uint value) => SetScalar(index, KernelParameterKind.UInt, &value);

    /// <inheritdoc/>
    public void SetFloat(int index, float value) => SetScalar(index, KernelParameterKind.Float, &value);

    /// <inheritdoc/>
    public void Launch(in LaunchDims dims)
    {
        var slot = _current ?? throw new InvalidOperationException("Launch without Begin");
        if (_setMask != slot.AllSet)
            throw new InvalidOperationException(
                $"{slot.Source.Name}: parameter {slot.Source.Parameters[FirstUnset(_setMask)].Name} "
                + "was not set");
        if (dims.GlobalX <= 0 || dims.GlobalY <= 0 || dims.LocalX <= 0 || dims.LocalY <= 0
            || dims.GlobalX % dims.LocalX != 0 || dims.GlobalY % dims.LocalY != 0)
            throw new ArgumentException($"{slot.Source.Name}: bad launch geometry {dims}", nameof(dims));
        nuint* global = stackalloc nuint[2] { (nuint)dims.GlobalX, (nuint)dims.GlobalY };
        nuint* local = stackalloc nuint[2] { (nuint)dims.LocalX, (nuint)dims.LocalY };
        uint workDim = dims.GlobalY == 1 && dims.LocalY == 1 ? 1u : 2u;
        var status = ClApi.EnqueueNDRangeKernel(_owner.Queue, slot.Kernel, workDim, null, global, local,
            0, null, null);
        if (status != ClStatus.Success)
            throw new OpenCLException(status, $"OpenCL call clEnqueueNDRangeKernel failed with "
                + $"{ClStatusNames.Describe(status)} (kernel {slot.Source.Name}, {dims})");
        _owner.CountLaunch();
    }

    /// <summary>Releases the kernels and the program; called by the owning accelerator.</summary>
    internal void Release()
    {
        foreach (var slot in _slots)
        {
            if (slot is null || slot.Kernel == 0) continue;
            var kernel = slot.Kernel;
            slot.Kernel = 0;
            OpenCLException.ThrowIfFailed(ClApi.ReleaseKernel(kernel));
        }
        if (_program != 0)
        {
            var program = _program;
            _program = 0;
            OpenCLException.ThrowIfFailed(ClApi.ReleaseProgram(program));
        }
    }

    private static int FirstUnset(ulong setMask) =>
        System.Numerics.BitOperations.TrailingZeroCount(~setMask);

    private static nint Build(OpenCLAccelerator owner, string program, string options)
    {
        ClStatus status;
        var sourceBytes = Encoding.UTF8.GetBytes(program);
        nint handle;
        fixed (byte* text = sourceBytes)
        {
            byte* texts = text;
            nuint length = (nuint)sourceBytes.Length;
            handle = ClApi.CreateProgramWithSource(owner.Context, 1, &texts, &length, &status);
        }
        OpenCLException.ThrowIfFailed(status);
        var optionBytes = Encoding.UTF8.GetBytes(options + "\0");
        nint device = owner.Device;
        fixed (byte* opts = optionBytes) status = ClApi.BuildProgram(handle, 1, &device, opts, 0, 0);
        if (status != ClStatus.Success)
        {
            string log = BuildLog(handle, device);
            ClApi.ReleaseProgram(handle);
            throw new OpenCLException(status,
                $"building the OpenCL program for {owner.Info.Name} failed with "
                + $"{ClStatusNames.Describe(status)} (options \"{options}\"); build log:\n{log}");
        }
        return handle;
    }

    private static string BuildLog(nint program, nint device)
    {
        nuint size;
        if (ClApi.GetProgramBuildInfo(program, device, ClApi.ProgramBuildLog, 0, null, &size)
            != ClStatus.Success)
            return "(no build log available)";
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes)
            if (ClApi.GetProgramBuildInfo(program, device, ClApi.ProgramBuildLog, size, p, null)
                != ClStatus.Success)
                return "(no build log available)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private nint CreateKernel(string name)
    {
        ClStatus status;
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        nint kernel;
        fixed (byte* p = nameBytes) kernel = ClApi.CreateKernel(_program, p, &status);
        OpenCLException.ThrowIfFailed(status, $"kernel {name}");
        return kernel;
    }

    private static int[] DeviceArgIndices(KernelSource source)
    {
        var indices = new int[source.Parameters.Count];
        int arg = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = arg;
            arg += source.Parameters[i].Kind <= KernelParameterKind.ByteBuffer ? 2 : 1;
        }
        return indices;
    }

    private static KernelParameterKind BufferKind<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? KernelParameterKind.FloatBuffer
        : typeof(T) == typeof(int) ? KernelParameterKind.IntBuffer
        : typeof(T) == typeof(uint) ? KernelParameterKind.UIntBuffer
        : typeof(T) == typeof(byte) ? KernelParameterKind.ByteBuffer
        : throw new NotSupportedException($"no kernel buffers of {typeof(T).Name}");

    private Slot Check(int index, KernelParameterKind kind)
    {
        var slot = _current ?? throw new InvalidOperationException("argument set without Begin");
        if ((uint)index >= (uint)slot.Source.Parameters.Count)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"{slot.Source.Name} has {slot.Source.Parameters.Count} parameters, not {index + 1}");
        var parameter = slot.Source.Parameters[index];
        if (parameter.Kind != kind)
            throw new ArgumentException(
                $"{slot.Source.Name}: parameter {parameter.Name} is {parameter.Kind}, not {kind}");
        return slot;
    }

    private void SetScalar(int index, KernelParameterKind kind, void* value)
    {
        var slot = Check(index, kind);
        SetArg(slot, slot.DeviceArgs[index], 4, value);
        _setMask |= 1UL << index;
    }

    private static void SetArg(Slot slot, int arg, nuint size, void* value)
    {
        var status = ClApi.SetKernelArg(slot.Kernel, (uint)arg, size, value);
        if (status != ClStatus.Success)
            throw new OpenCLException(status, $"OpenCL call clSetKernelArg failed with "
                + $"{ClStatusNames.Describe(status)} (kernel {slot.Source.Name}, device argument {arg})");
    }
}
