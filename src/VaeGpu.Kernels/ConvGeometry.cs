// Shapes of one sample of the convolution and pooling ops (NCHW float32, one sample per batch row).
// The formulas for the output size are PyTorch's, so a layer built here matches nn.Conv2d,
// nn.ConvTranspose2d, nn.MaxPool2d and nn.AvgPool2d of the same arguments (no dilation, no groups).
namespace VaeGpu.Kernels;

/// <summary>
/// One sample's geometry of a 2-D convolution (<see cref="Transposed"/> false, weight
/// [out, in, kh, kw]) or transposed convolution (true, weight [in, out, kh, kw]).
/// </summary>
public readonly record struct Conv2dGeometry(int InChannels, int InHeight, int InWidth, int OutChannels,
    int KernelHeight, int KernelWidth, int Stride = 1, int Padding = 0, int OutputPadding = 0,
    bool Transposed = false)
{
    /// <summary>Output height: (H + 2p - kh) / s + 1, or (H - 1) s - 2p + kh + op when transposed.</summary>
    public int OutHeight => Transposed
        ? (InHeight - 1) * Stride - 2 * Padding + KernelHeight + OutputPadding
        : (InHeight + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Output width: as <see cref="OutHeight"/> with widths.</summary>
    public int OutWidth => Transposed
        ? (InWidth - 1) * Stride - 2 * Padding + KernelWidth + OutputPadding
        : (InWidth + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Elements of one input sample: C_in H W.</summary>
    public int InSize => InChannels * InHeight * InWidth;

    /// <summary>Elements of one output sample: C_out H_out W_out.</summary>
    public int OutSize => OutChannels * OutHeight * OutWidth;

    /// <summary>Elements of the weight: C_in C_out kh kw (in either layout).</summary>
    public int WeightSize => InChannels * OutChannels * KernelHeight * KernelWidth;

    /// <summary>Multiply-adds of one forward pass over one sample.</summary>
    public long MacsPerSample => Transposed
        ? (long)InChannels * InHeight * InWidth * OutChannels * KernelHeight * KernelWidth
        : (long)OutChannels * OutHeight * OutWidth * InChannels * KernelHeight * KernelWidth;

    /// <summary>Null when the geometry is valid, else one line saying what is wrong.</summary>
    public string? Problem()
    {
        if (InChannels <= 0 || OutChannels <= 0) return $"channels must be positive ({this})";
        if (InHeight <= 0 || InWidth <= 0) return $"input size must be positive ({this})";
        if (KernelHeight <= 0 || KernelWidth <= 0) return $"kernel size must be positive ({this})";
        if (Stride <= 0) return $"stride must be positive ({this})";
        if (Padding < 0) return $"padding must be >= 0 ({this})";
        if (OutputPadding < 0 || (OutputPadding > 0 && (!Transposed || OutputPadding >= Stride)))
            return $"output padding must be in [0, stride) and only on a transposed conv ({this})";
        if (OutHeight <= 0 || OutWidth <= 0)
            return $"output would be {OutHeight}x{OutWidth}: kernel larger than the padded input ({this})";
        if ((long)OutChannels * OutHeight * OutWidth > int.MaxValue / 4 || (long)InSize > int.MaxValue / 4)
            return $"sample too large ({this})";
        return null;
    }
}

/// <summary>One sample's geometry of a square-window 2-D pooling without padding.</summary>
public readonly record struct Pool2dGeometry(int Channels, int InHeight, int InWidth, int Kernel, int Stride)
{
    /// <summary>Output height: (H - k) / s + 1.</summary>
    public int OutHeight => (InHeight - Kernel) / Stride + 1;

    /// <summary>Output width: (W - k) / s + 1.</summary>
    public int OutWidth => (InWidth - Kernel) / Stride + 1;

    /// <summary>Elements of one input sample.</summary>
    public int InSize => Channels * InHeight * InWidth;

    /// <summary>Elements of one output sample.</summary>
    public int OutSize => Channels * OutHeight * OutWidth;

    /// <summary>Null when the geometry is valid, else one line saying what is wrong.</summary>
    public string? Problem()
    {
        if (Channels <= 0 || InHeight <= 0 || InWidth <= 0) return $"input shape must be positive ({this})";
        if (Kernel <= 0 || Stride <= 0) return $"kernel and stride must be positive ({this})";
        if (Kernel > InHeight || Kernel > InWidth) return $"kernel larger than the input ({this})";
        return null;
    }
}
