// Argument checks shared by every op: views belong to this accelerator, are alive, and are long enough.
using System.Runtime.CompilerServices;

namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// Checks that a required view is present, ours, not disposed and holds at least
    /// <paramref name="needed"/> elements.
    /// </summary>
    protected void CheckView<T>(BufferView<T> view, long needed,
        [CallerArgumentExpression(nameof(view))] string name = "") where T : unmanaged
    {
        ThrowIfDisposed();
        if (view.Buffer is null)
            throw new ArgumentException($"{name}: a buffer is required", name);
        if (!ReferenceEquals(view.Buffer.Owner, this))
            throw new ArgumentException(
                $"{name}: buffer belongs to another accelerator ({view.Buffer.Owner.Name})", name);
        if (view.Buffer.IsDisposed)
            throw new ObjectDisposedException(name, $"{name}: buffer was disposed");
        if (view.Length < needed)
            throw new ArgumentException($"{name}: view holds {view.Length} elements, {needed} needed", name);
    }

    /// <summary>Like <see cref="CheckView{T}"/> but an empty (default) view is allowed.</summary>
    protected void CheckOptionalView<T>(BufferView<T> view, long needed,
        [CallerArgumentExpression(nameof(view))] string name = "") where T : unmanaged
    {
        if (!view.IsEmpty) CheckView(view, needed, name);
    }

    /// <summary>Checks that a size argument is positive.</summary>
    protected static void CheckPositive(int value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, $"{name} must be positive, got {value}");
    }

    /// <summary>True when two views share any element of the same buffer.</summary>
    protected static bool Overlaps<TA, TB>(BufferView<TA> a, BufferView<TB> b)
        where TA : unmanaged where TB : unmanaged
        => a.Buffer is not null && ReferenceEquals(a.Buffer, b.Buffer)
           && a.Offset < b.Offset + b.Length && b.Offset < a.Offset + a.Length;

    /// <summary>Throws when an output view overlaps an input view that the op reads while writing.</summary>
    protected static void CheckNoOverlap<TA, TB>(BufferView<TA> output, BufferView<TB> input,
        [CallerArgumentExpression(nameof(output))] string outName = "",
        [CallerArgumentExpression(nameof(input))] string inName = "")
        where TA : unmanaged where TB : unmanaged
    {
        if (Overlaps(output, input))
            throw new ArgumentException($"{outName} overlaps {inName}; this op needs them distinct", outName);
    }
}
