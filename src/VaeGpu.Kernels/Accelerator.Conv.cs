// Convolution ops of the op set, checked once here for every backend: conv2d and transposed conv2d
// forward, input gradient (assigned) and weight/bias gradients (accumulated, +=). Semantics are
// PyTorch's nn.Conv2d / nn.ConvTranspose2d on NCHW float32; x is (batch, InSize), y (batch, OutSize).
// A transposed conv's forward is a conv's input gradient and the other way round.
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// y = conv2d(x, weight) [+ bias per output channel]; weight is [out, in, kh, kw] (or [in, out, kh, kw]
    /// and a transposed convolution when <see cref="Conv2dGeometry.Transposed"/>).
    /// </summary>
    public void Conv2dForward(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        CheckConv(geometry, batch, x, weight, y);
        CheckOptionalView(bias, geometry.OutChannels);
        CheckNoOverlap(y, x); CheckNoOverlap(y, weight);
        if (!bias.IsEmpty) CheckNoOverlap(y, bias);
        Conv2dForwardCore(geometry, batch, x, weight, bias, y);
    }

    /// <summary>dx = the gradient of <see cref="Conv2dForward"/> with respect to x (assigned).</summary>
    public void Conv2dBackwardInput(in Conv2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> weight, BufferView<float> dx)
    {
        CheckConv(geometry, batch, dx, weight, dy);
        CheckNoOverlap(dx, dy); CheckNoOverlap(dx, weight);
        Conv2dBackwardInputCore(geometry, batch, dy, weight, dx);
    }

    /// <summary>
    /// dweight += the gradient of <see cref="Conv2dForward"/> with respect to the weight, and dbias (if
    /// given) += the sum of dy over samples and positions per output channel.
    /// </summary>
    public void Conv2dBackwardWeights(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias)
    {
        CheckConv(geometry, batch, x, dweight, dy);
        CheckOptionalView(dbias, geometry.OutChannels);
        CheckNoOverlap(dweight, x); CheckNoOverlap(dweight, dy);
        if (!dbias.IsEmpty)
        {
            CheckNoOverlap(dbias, x); CheckNoOverlap(dbias, dy); CheckNoOverlap(dbias, dweight);
        }
        Conv2dBackwardWeightsCore(geometry, batch, x, dy, dweight, dbias);
    }

    private void CheckConv(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> y)
    {
        string? problem = geometry.Problem();
        if (problem is not null) throw new ArgumentException(problem, nameof(geometry));
        CheckPositive(batch);
        CheckView(x, (long)batch * geometry.InSize);
        CheckView(weight, geometry.WeightSize);
        CheckView(y, (long)batch * geometry.OutSize);
    }

    /// <summary>Backend conv forward; arguments checked.</summary>
    protected virtual void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y) =>
        throw NotYet(nameof(Conv2dForward));

    /// <summary>Backend conv input gradient; arguments checked.</summary>
    protected virtual void Conv2dBackwardInputCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> dy, BufferView<float> weight, BufferView<float> dx) =>
        throw NotYet(nameof(Conv2dBackwardInput));

    /// <summary>Backend conv weight and bias gradients; arguments checked.</summary>
    protected virtual void Conv2dBackwardWeightsCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> x, BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias) =>
        throw NotYet(nameof(Conv2dBackwardWeights));

    // The convolutional ops reach the GPU backends in a later step; until then they say so plainly.
    private NotSupportedException NotYet(string op) =>
        new($"{op} is not implemented on the {Kind} backend yet (only on cpu)");
}
