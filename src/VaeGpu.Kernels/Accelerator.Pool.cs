// Pooling ops of the op set, checked once here: max pooling (which saves the argmax of every window
// for its backward, as PyTorch's indices: h * W + w within the channel) and average pooling.
// x is (batch, InSize), y (batch, OutSize), NCHW float32; input gradients are assigned.
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// y = the maximum of each window (the first one on ties, NaN wins as in PyTorch); argmax = its
    /// position h * W + w in the channel's plane.
    /// </summary>
    public void MaxPool2dForward(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax)
    {
        CheckPool(geometry, batch, x, y);
        CheckView(argmax, (long)batch * geometry.OutSize);
        CheckNoOverlap(y, x);
        MaxPool2dForwardCore(geometry, batch, x, y, argmax);
    }

    /// <summary>dx = 0, then dx[argmax] += dy for every window (in window order).</summary>
    public void MaxPool2dBackward(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx)
    {
        CheckPool(geometry, batch, dx, dy);
        CheckView(argmax, (long)batch * geometry.OutSize);
        CheckNoOverlap(dx, dy);
        MaxPool2dBackwardCore(geometry, batch, dy, argmax, dx);
    }

    /// <summary>y = the mean of each kernel x kernel window.</summary>
    public void AvgPool2dForward(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y)
    {
        CheckPool(geometry, batch, x, y);
        CheckNoOverlap(y, x);
        AvgPool2dForwardCore(geometry, batch, x, y);
    }

    /// <summary>dx = the sum over the windows holding each input of dy / kernel^2.</summary>
    public void AvgPool2dBackward(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> dx)
    {
        CheckPool(geometry, batch, dx, dy);
        CheckNoOverlap(dx, dy);
        AvgPool2dBackwardCore(geometry, batch, dy, dx);
    }

    private void CheckPool(in Pool2dGeometry geometry, int batch, BufferView<float> x, BufferView<float> y)
    {
        string? problem = geometry.Problem();
        if (problem is not null) throw new ArgumentException(problem, nameof(geometry));
        CheckPositive(batch);
        CheckView(x, (long)batch * geometry.InSize);
        CheckView(y, (long)batch * geometry.OutSize);
    }

    /// <summary>Backend max pooling forward; arguments checked.</summary>
    protected virtual void MaxPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax) => throw NotYet(nameof(MaxPool2dForward));

    /// <summary>Backend max pooling backward; arguments checked.</summary>
    protected virtual void MaxPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx) => throw NotYet(nameof(MaxPool2dBackward));

    /// <summary>Backend average pooling forward; arguments checked.</summary>
    protected virtual void AvgPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y) => throw NotYet(nameof(AvgPool2dForward));

    /// <summary>Backend average pooling backward; arguments checked.</summary>
    protected virtual void AvgPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<float> dx) => throw NotYet(nameof(AvgPool2dBackward));
}
