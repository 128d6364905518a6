// A 2-D, row-major, dense view (rows x cols) into a device buffer. Tensors never own memory: model
// buffers are allocated once per (model, max batch) and every step works on views of them, so a
// training step allocates nothing.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A rows x cols row-major matrix view into a device buffer.</summary>
public readonly struct Tensor
{
    /// <summary>Creates a view of rows x cols elements at the start of <paramref name="view"/>.</summary>
    public Tensor(BufferView<float> view, int rows, int cols)
    {
        if (view.IsEmpty) throw new ArgumentException("a tensor needs a buffer", nameof(view));
        if (rows <= 0 || cols <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows),
                $"tensor shape ({rows}, {cols}) must be positive");
        if ((long)rows * cols > view.Length)
            throw new ArgumentException(
                $"tensor ({rows}, {cols}) needs {(long)rows * cols} elements, view has {view.Length}",
                nameof(view));
        View = view.Slice(0, rows * cols);
        Rows = rows;
        Cols = cols;
    }

    /// <summary>The elements, exactly Rows * Cols of them.</summary>
    public BufferView<float> View { get; }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Cols { get; }

    /// <summary>Rows * Cols.</summary>
    public int Length => Rows * Cols;

    /// <summary>True for <c>default</c>: an optional tensor that was not given.</summary>
    public bool IsEmpty => View.IsEmpty;

    /// <summary>
    /// The first <paramref name="rows"/> rows (contiguous because the layout is row-major).
    /// </summary>
    public Tensor FirstRows(int rows)
    {
        if (IsEmpty) throw new InvalidOperationException("cannot take rows of an empty tensor");
        if (rows <= 0 || rows > Rows)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be in [1, {Rows}], got {rows}");
        return new Tensor(View, rows, Cols);
    }

    /// <summary>
    /// Allocates a rows x cols tensor on <paramref name="accelerator"/>; the caller owns the buffer.
    /// </summary>
    public static Tensor Allocate(Accelerator accelerator, int rows, int cols, out DeviceBuffer<float> buffer)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        buffer = accelerator.Allocate<float>(checked(rows * cols));
        return new Tensor(buffer.View, rows, cols);
    }

    /// <inheritdoc/>
    public override string ToString() => IsEmpty ? "(none)" : $"({Rows}, {Cols}) {View}";
}
