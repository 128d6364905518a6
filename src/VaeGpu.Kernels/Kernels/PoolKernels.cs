// Pooling kernels over planes (sample, channel) of (inH, inW) with square windows and no padding:
// max (saving the argmax h * inW + w, first maximum wins, NaN propagates) and average, forward per
// output element and backward per input element, gathering the windows that hold it in order.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Max and average pooling kernels.</summary>
internal static partial class PoolKernels
{
    /// <summary>The first window index (row or column) whose window holds position p.</summary>
    [DeviceFunction]
    public static int FirstWindow(int p, int kernel, int stride)
    {
        int t = p - kernel + 1;
        return t <= 0 ? 0 : (t + stride - 1) / stride;
    }

    /// <summary>The last window index whose window holds position p (clamped to count - 1).</summary>
    [DeviceFunction]
    public static int LastWindow(int p, int stride, int count)
    {
        int last = p / stride;
        return last < count - 1 ? last : count - 1;
    }

    /// <summary>y and argmax of every window; one work-item per element of y.</summary>
    [Kernel]
    public static void MaxPoolForward(KernelContext k, Buf<float> y, Buf<int> argmax, Buf<float> x,
        int planes,
        int inH, int inW, int outH, int outW, int kernel, int stride)
    {
        int index = k.GlobalId(0);
        if (index < planes * outH * outW)
        {
            int ox = index % outW;
            int rest = index / outW;
            int oy = rest % outH;
            int plane = rest / outH;
            int start = plane * inH * inW;
            float best = -1.0f / 0.0f;
            int at = oy * stride * inW + ox * stride;
            for (int i = 0; i < kernel; i++)
            {
                for (int j = 0; j < kernel; j++)
                {
                    int p = (oy * stride + i) * inW + ox * stride + j;
                    float v = x[start + p];
                    float vCopy = v;       // v != vCopy: v is NaN (a NaN wins and then stays)
                    float bestCopy = best;
                    if (v > best || (v != vCopy && best == bestCopy))
                    {
                        best = v;
                        at = p;
                    }
                }
            }
            y[index] = best;
            argmax[index] = at;
        }
    }

    /// <summary>dx =
    /// the sum of dy over the windows whose argmax is this element; one work-item each.</summary>
    [Kernel]
    public static void MaxPoolBackward(KernelContext k, Buf<float> dx, Buf<float> dy, Buf<int> argmax,
        int planes, int inH, int inW, int outH, int outW, int kernel, int stride)
    {
        int index = k.GlobalId(0);
        if (index < planes * inH * inW)
        {
            int ix = index % inW;
            int rest = index / inW;
            int iy = rest % inH;
            int plane = rest / inH;
            int p = iy * inW + ix;
            float sum = 0.0f;
            int lastY = LastWindow(iy, stride, outH);
            int lastX = LastWindow(ix, stride, outW);
            for (int oy = FirstWindow(iy, kernel, stride); oy <= lastY; oy++)
            {
                for (int ox = FirstWindow(ix, kernel, stride); ox <= lastX; ox++)
                {
                    int o = (plane * outH + oy) * outW + ox;
                    if (argmax[o] == p) sum += dy[o];
                }
            }
            dx[index] = sum;
        }
    }

    /// <summary>y = the mean of every window; one work-item per element of y.</summary>
    [Kernel]
    public static void AvgPoolForward(KernelContext k, Buf<float> y, Buf<float> x, int planes, int inH,
        int inW,
        int outH, int outW, int kernel, int stride)
    {
        int index = k.GlobalId(0);
        if (index < planes * outH * outW)
        {
            int ox = index % outW;
            int rest = index / outW;
            int oy = rest % outH;
            int plane = rest / outH;
            int start = plane * inH * inW;
            float sum = 0.0f;
            for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++) sum += x[start + (oy * stride + i) * inW + ox * stride + j];
            y[index] = sum / (float)(kernel * kernel);
        }
    }

    /// <summary>dx =
    /// the sum of dy / kernel^2 over the windows holding this element; one work-item each.</summary>
    [Kernel]
    public static void AvgPoolBackward(KernelContext k, Buf<float> dx, Buf<float> dy, int planes, int inH,
        int inW, int outH, int outW, int kernel, int stride)
    {
        int index = k.GlobalId(0);
        if (index < planes * inH * inW)
        {
            int ix = index % inW;
            int rest = index / inW;
            int iy = rest % inH;
            int plane = rest / inH;
            float area = (float)(kernel * kernel);
            float sum = 0.0f;
            int lastY = LastWindow(iy, stride, outH);
            int lastX = LastWindow(ix, stride, outW);
            for (int oy = FirstWindow(iy, kernel, stride); oy <= lastY; oy++)
                for (int ox = FirstWindow(ix, kernel, stride); ox <= lastX; ox++)
                    sum += dy[(plane * outH + oy) * outW + ox] / area;
            dx[index] = sum;
        }
    }
}
