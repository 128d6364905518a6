// The vocabulary of an export: which part of a model (decoder, encoder, generator) and the signature
// of the exported graph (its inputs and outputs with shapes), which also goes into the file's
// metadata as text so a user can read it without our code.
using System.Globalization;

namespace VaeGpu.Runner.Export;

/// <summary>The part of a trained model that an ONNX file holds.</summary>
public enum ExportPart
{
    /// <summary>z (plus a CVAE's one-hot label) to an image in [0, 1].</summary>
    Decoder,
    /// <summary>An image (plus a CVAE's one-hot label) to mu and logvar (mu alone for an AE).</summary>
    Encoder,
    /// <summary>A GAN's generator: noise to an image (no model kind has one yet).</summary>
    Generator,
}

/// <summary>One float32 graph input or output of shape (batch, Dims...).</summary>
public sealed record OnnxValue(string Name, long[] Dims, string Doc)
{
    /// <summary>Text such as "z: float32 [batch, 20] (latent code)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: float32 [{OnnxGraphBuilder.BatchAxis}, {string.Join(", ", Dims)}] ({Doc})");
}

/// <summary>The inputs and outputs of an exported graph, in order.</summary>
public sealed record OnnxSignature(IReadOnlyList<OnnxValue> Inputs, IReadOnlyList<OnnxValue> Outputs)
{
    /// <summary>The inputs as one line of text, "; " between values.</summary>
    public string InputsText => string.Join("; ", Inputs);

    /// <summary>The outputs as one line of text, "; " between values.</summary>
    public string OutputsText => string.Join("; ", Outputs);
}

/// <summary>What an export wrote: the file, its size, the part and its signature.</summary>
public sealed record ExportResult(string Path, long Bytes, ExportPart Part, OnnxSignature Signature,
    int Epoch);
