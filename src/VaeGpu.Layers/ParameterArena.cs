// Parameters, their gradients and the optimizer's two state vectors, each in one flat device
// buffer with the same layout, described by one name/shape table. The names are the checkpoint
// names (safetensors), and the layout of a Linear weight is [out, in] row-major like nn.Linear.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>One named parameter tensor: its shape and where it starts in every arena.</summary>
public sealed record ParameterInfo(string Name, int[] Shape, int Offset)
{
    /// <summary>Number of elements (product of the shape).</summary>
    public int Length { get; } = Shape.Aggregate(1, (a, b) => checked(a * b));

    /// <summary>Shape as text, e.g. "[400, 784]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>Flat parameter, gradient and optimizer-state buffers sharing one name/shape table.</summary>
public sealed class ParameterArena : IDisposable
{
    private readonly Dictionary<string, ParameterInfo> _byName = new(StringComparer.Ordinal);

    /// <summary>Lays out the given (name, shape) entries in order and allocates the four buffers.</summary>
    public ParameterArena(Accelerator accelerator, IEnumerable<(string Name, int[] Shape)> entries)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(entries);
        var table = new List<ParameterInfo>();
        int offset = 0;
        foreach (var (name, shape) in entries)
        {
            if (shape.Length == 0 || shape.Any(d => d <= 0))
                throw new ArgumentException(
                    $"parameter {name}: shape [{string.Join(", ", shape)}] must be positive");
            var info = new ParameterInfo(name, (int[])shape.Clone(), offset);
            if (!_byName.TryAdd(name, info))
                throw new ArgumentException($"parameter {name} is declared twice");
            table.Add(info);
            offset = checked(offset + info.Length);
        }
        if (offset == 0) throw new ArgumentException("a parameter arena needs at least one parameter");
        Accelerator = accelerator;
        Table = table;
        Count = offset;
        Values = accelerator.Allocate<float>(Count);
        Gradients = accelerator.Allocate<float>(Count);
        State1 = accelerator.Allocate<float>(Count);
        State2 = accelerator.Allocate<float>(Count);
        accelerator.Fill(Values, 0); // defined contents until a model initializes or loads them
        accelerator.Fill(Gradients, 0);
        ResetOptimizerState();
    }

    /// <summary>The device that holds the arenas.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Every parameter tensor in layout order.</summary>
    public IReadOnlyList<ParameterInfo> Table { get; }

    /// <summary>Total number of parameters.</summary>
    public int Count { get; }

    /// <summary>All parameters, flat.</summary>
    public DeviceBuffer<float> Values { get; }

    /// <summary>All parameter gradients, same layout; they accumulate and are zeroed once per step.</summary>
    public DeviceBuffer<float> Gradients { get; }

    /// <summary>Optimizer state 1 (Adam m, SGD velocity, RMSProp/Adagrad squares), same layout.</summary>
    public DeviceBuffer<float> State1 { get; }

    /// <summary>Optimizer state 2 (Adam v; unused by the others), same layout.</summary>
    public DeviceBuffer<float> State2 { get; }

    /// <summary>Looks a parameter up by its checkpoint name.</summary>
    public ParameterInfo this[string name] => _byName.TryGetValue(name, out var info)
        ? info
        : throw new KeyNotFoundException(
            $"no parameter named {name}; known: {string.Join(", ", _byName.Keys)}");

    /// <summary>The values of one parameter.</summary>
    public BufferView<float> Value(string name) => Slice(Values, this[name]);

    /// <summary>The gradient of one parameter.</summary>
    public BufferView<float> Gradient(string name) => Slice(Gradients, this[name]);

    /// <summary>Sets every gradient to zero (once per step, before the backward pass).</summary>
    public void ZeroGradients() => Accelerator.Fill(Gradients, 0);

    /// <summary>Sets both optimizer state vectors to zero.</summary>
    public void ResetOptimizerState()
    {
        Accelerator.Fill(State1, 0);
        Accelerator.Fill(State2, 0);
    }

    /// <summary>Copies all parameters to host memory of length <see cref="Count"/>.</summary>
    public void ReadValues(Span<float> destination) =>
        Accelerator.CopyToHost(Values.View, CheckLength(destination.Length, destination));

    /// <summary>Overwrites all parameters from host memory of length <see cref="Count"/>.</summary>
    public void WriteValues(ReadOnlySpan<float> source) =>
        Accelerator.CopyFromHost(CheckSource(source), Values.View);

    /// <summary>Copies all gradients to host memory of length <see cref="Count"/>.</summary>
    public void ReadGradients(Span<float> destination) =>
        Accelerator.CopyToHost(Gradients.View, CheckLength(destination.Length, destination));

    /// <summary>Copies optimizer state 1 or 2 to host memory of length <see cref="Count"/>.</summary>
    public void ReadState(int which, Span<float> destination) =>
        Accelerator.CopyToHost(StateBuffer(which).View, CheckLength(destination.Length, destination));

    /// <summary>Overwrites optimizer state 1 or 2 from host memory of length <see cref="Count"/>.</summary>
    public void WriteState(int which, ReadOnlySpan<float> source) =>
        Accelerator.CopyFromHost(CheckSource(source), StateBuffer(which).View);

    /// <summary>Frees the four buffers.</summary>
    public void Dispose()
    {
        Values.Dispose();
        Gradients.Dispose();
        State1.Dispose();
        State2.Dispose();
    }

    private static BufferView<float> Slice(DeviceBuffer<float> buffer, ParameterInfo info) =>
        buffer.Slice(info.Offset, info.Length);

    private DeviceBuffer<float> StateBuffer(int which) => which switch
    {
        1 => State1,
        2 => State2,
        _ => throw new ArgumentOutOfRangeException(nameof(which), $"optimizer state is 1 or 2, got {which}"),
    };

    private Span<float> CheckLength(int length, Span<float> span) => length == Count
        ? span
        : throw new ArgumentException($"the arena holds {Count} floats, the host span {length}");

    private ReadOnlySpan<float> CheckSource(ReadOnlySpan<float> source) => source.Length == Count
        ? source
        : throw new ArgumentException($"the arena holds {Count} floats, the host data {source.Length}");
}
