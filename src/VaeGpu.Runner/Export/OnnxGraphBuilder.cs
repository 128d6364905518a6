// A small builder of ONNX graphs over OnnxSharp's protobuf types: float32 inputs and outputs whose first
// axis is a dynamic "batch", initializers (weights), and one method per operator we export (Gemm,
// activations, Concat; the convolutional ones in OnnxGraphBuilder.Conv.cs). Build() stamps opset,
// producer and metadata.
using Google.Protobuf;
using Onnx;
using VaeGpu.Kernels;

namespace VaeGpu.Runner.Export;

/// <summary>Builds an ONNX ModelProto one operator at a time; value names are unique strings.</summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>The operator set the exported models import (ONNX default domain).</summary>
    public const int Opset = 13;

    /// <summary>The IR version that goes with <see cref="Opset"/> (ONNX 1.8).</summary>
    public const long IrVersion = 7;

    /// <summary>The symbolic name of the dynamic first axis of every input and output.</summary>
    public const string BatchAxis = "batch";

    /// <summary>LeakyReLU's negative slope, the same as our kernels' (PyTorch's default).</summary>
    public const float LeakySlope = 0.01f;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name };
    }

    /// <summary>Declares a float32 graph input of shape (batch, featureDims...); returns its name.</summary>
    public string Input(string name, string doc, params long[] featureDims)
    {
        _graph.Input.Add(ValueInfo(Claim(name), doc, featureDims));
        return name;
    }

    /// <summary>Declares value <paramref name="name"/> a float32 graph output (batch, dims...).</summary>
    public void Output(string name, string doc, params long[] featureDims)
    {
        if (!_names.Contains(name))
            throw new InvalidOperationException($"graph output '{name}' is not a value of the graph");
        _graph.Output.Add(ValueInfo(name, doc, featureDims));
    }

    /// <summary>Adds a float32 initializer (a weight) of the given shape; returns its name.</summary>
    public string Initializer(string name, IReadOnlyList<int> shape, ReadOnlySpan<float> data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"initializer '{name}': shape [{string.Join(", ", shape)}] "
                + $"holds {count} floats, got {data.Length}");
        var tensor = new TensorProto
        { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int dim in shape) tensor.Dims.Add(dim);
        tensor.FloatData.Add(data.ToArray());
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>y (B, out) = x (B, in) W^T + b with W [out, in] (PyTorch's nn.Linear layout).</summary>
    public string Gemm(string x, string weight, string bias, string? output = null) =>
        Node("Gemm", [x, weight, bias], output, IntAttribute("transB", 1));

    /// <summary>Applies <paramref name="activation"/> element-wise; Identity adds no node.</summary>
    public string Activation(string x, Activation activation, string? output = null) => activation switch
    {
        Kernels.Activation.Identity when output is null => x,
        Kernels.Activation.Identity => Node("Identity", [x], output),
        Kernels.Activation.Relu => Node("Relu", [x], output),
        Kernels.Activation.LeakyRelu =>
            Node("LeakyRelu", [x], output, FloatAttribute("alpha", LeakySlope)),
        Kernels.Activation.Sigmoid => Node("Sigmoid", [x], output),
        Kernels.Activation.Tanh => Node("Tanh", [x], output),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation,
            "no ONNX operator mapped"),
    };

    /// <summary>Joins values along the feature axis (axis 1), e.g. z and a CVAE's one-hot label.</summary>
    public string Concat(IReadOnlyList<string> values, string? output = null) =>
        Node("Concat", values, output, IntAttribute("axis", 1));

    /// <summary>Adds any operator of the default domain; returns the name of its (first) output.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? output,
        params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (string input in inputs)
            if (!_names.Contains(input))
                throw new InvalidOperationException(
                    $"{opType}: input '{input}' is not a value of the graph");
        string name = Claim(output ?? $"{opType.ToLowerInvariant()}_{_nodeCount}");
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCount++}" };
        node.Input.Add(inputs);
        node.Output.Add(name);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return name;
    }

    /// <summary>An INT attribute (e.g. Gemm's transB, Concat's axis).</summary>
    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A FLOAT attribute (e.g. LeakyRelu's alpha).</summary>
    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An INTS attribute (e.g. a future Conv's kernel_shape, strides, pads).</summary>
    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>The finished model: opset, IR version, producer, doc string and metadata.</summary>
    public ModelProto Build(string doc, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (_graph.Output.Count == 0) throw new InvalidOperationException("the graph has no output");
        var model = new ModelProto
        {
            IrVersion = IrVersion, ProducerName = "VaeGpu",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "",
            DocString = doc, Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The serialized model (protobuf bytes, the content of a .onnx file).</summary>
    public static byte[] Serialize(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToByteArray();
    }

    private string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name)) throw new InvalidOperationException($"value '{name}' is defined twice");
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, string doc, long[] featureDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchAxis });
        foreach (long dim in featureDims)
        {
            if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(featureDims), $"{name}: dim {dim}");
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }
        var tensor = new TypeProto.Types.Tensor
        { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto
        { Name = name, DocString = doc, Type = new TypeProto { TensorType = tensor } };
    }
}
