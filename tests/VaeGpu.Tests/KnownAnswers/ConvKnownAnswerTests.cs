// Known answers from outside: conv2d, conv_transpose2d, max/avg pooling and batch norm outputs and
// gradients computed once by PyTorch 1.13 (make_conv_answers.py, beside this file, wrote
// conv_answers.json, embedded in this assembly). The cpu backend must reproduce them within float32
// rounding; the tests do not need PyTorch.
using System.Text.Json;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.KnownAnswers;

public sealed class ConvKnownAnswerTests
{
    // Sums of up to ~75 float32 products of magnitude <= 1 against PyTorch's float64.
    private static readonly Tolerance Agreement = new(2e-5, 2e-5);

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var stream = typeof(ConvKnownAnswerTests).Assembly.GetManifestResourceStream(
            "VaeGpu.Tests.KnownAnswers.conv_answers.json")
            ?? throw new InvalidOperationException("conv_answers.json is not embedded");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    public static TheoryData<string> CaseNames =>
        new(Cases.Value.Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CpuReproducesPyTorch(string name)
    {
        var c = Cases.Value.Single(e => e.GetProperty("name").GetString() == name);
        using var acc = new CpuAccelerator(2);
        switch (c.GetProperty("op").GetString())
        {
            case "conv2d": Conv(acc, c, transposed: false); break;
            case "conv_transpose2d": Conv(acc, c, transposed: true); break;
            case "max_pool2d": Pool(acc, c, max: true); break;
            case "avg_pool2d": Pool(acc, c, max: false); break;
            case "batch_norm": BatchNorm(acc, c); break;
            default: throw new InvalidOperationException($"unknown op in {name}");
        }
    }

    private static void Conv(CpuAccelerator acc, JsonElement c, bool transposed)
    {
        int[] xs = Ints(c, "x_shape"), ws = Ints(c, "w_shape"), ys = Ints(c, "y_shape");
        int outChannels = transposed ? ws[1] : ws[0];
        var g = new Conv2dGeometry(xs[1], xs[2], xs[3], outChannels, ws[2], ws[3], Int(c, "stride"),
            Int(c, "padding"), Int(c, "output_padding"), transposed);
        Assert.Equal((ys[2], ys[3]), (g.OutHeight, g.OutWidth));
        int batch = xs[0];
        using var x = acc.Upload<float>(Floats(c, "x"));
        using var w = acc.Upload<float>(Floats(c, "w"));
        using var b = acc.Upload<float>(Floats(c, "b"));
        using var dy = acc.Upload<float>(Floats(c, "g"));
        using var y = acc.Allocate<float>(batch * g.OutSize);
        using var dx = acc.Allocate<float>(batch * g.InSize);
        using var dw = acc.Upload<float>(new float[g.WeightSize]);
        using var db = acc.Upload<float>(new float[outChannels]);
        acc.Conv2dForward(g, batch, x, w, b, y);
        acc.Conv2dBackwardInput(g, batch, dy, w, dx);
        acc.Conv2dBackwardWeights(g, batch, x, dy, dw, db);
        Same(acc, y, c, "y");
        Same(acc, dx, c, "dx");
        Same(acc, dw, c, "dw");
        Same(acc, db, c, "db");
    }

    private static void Pool(CpuAccelerator acc, JsonElement c, bool max)
    {
        int[] xs = Ints(c, "x_shape");
        var g = new Pool2dGeometry(xs[1], xs[2], xs[3], Int(c, "kernel"), Int(c, "stride"));
        int batch = xs[0];
        using var x = acc.Upload<float>(Floats(c, "x"));
        using var dy = acc.Upload<float>(Floats(c, "g"));
        using var y = acc.Allocate<float>(batch * g.OutSize);
        using var dx = acc.Allocate<float>(batch * g.InSize);
        using var argmax = acc.Allocate<int>(batch * g.OutSize);
        if (max)
        {
            acc.MaxPool2dForward(g, batch, x, y, argmax);
            acc.MaxPool2dBackward(g, batch, dy, argmax, dx);
            Assert.Equal(Ints(c, "indices"), acc.ToArray(argmax.View));
        }
        else
        {
            acc.AvgPool2dForward(g, batch, x, y);
            acc.AvgPool2dBackward(g, batch, dy, dx);
        }
        Same(acc, y, c, "y");
        Same(acc, dx, c, "dx");
    }

    private static void BatchNorm(CpuAccelerator acc, JsonElement c)
    {
        int[] xs = Ints(c, "x_shape");
        int batch = xs[0], channels = xs[1], spatial = xs.Length == 4 ? xs[2] * xs[3] : 1;
        float momentum = (float)c.GetProperty("momentum").GetDouble(), eps =
            (float)c.GetProperty("eps").GetDouble();
        using var x = acc.Upload<float>(Floats(c, "x"));
        using var dy = acc.Upload<float>(Floats(c, "g"));
        using var gamma = acc.Upload<float>(Floats(c, "weight"));
        using var beta = acc.Upload<float>(Floats(c, "bias"));
        using var runMean = acc.Upload<float>(Floats(c, "running_mean"));
        using var runVar = acc.Upload<float>(Floats(c, "running_var"));
        using var saveMean = acc.Allocate<float>(channels);
        using var saveInvStd = acc.Allocate<float>(channels);
        using var y = acc.Allocate<float>(x.Length);
        using var dx = acc.Allocate<float>(x.Length);
        using var dgamma = acc.Upload<float>(new float[channels]);
        using var dbeta = acc.Upload<float>(new float[channels]);
        acc.BatchNormForward(true, batch, channels, spatial, x, gamma, beta, runMean, runVar, saveMean,
            saveInvStd, y, momentum, eps);
        acc.BatchNormBackward(true, batch, channels, spatial, x, dy, gamma, saveMean, saveInvStd, dx, dgamma,
            dbeta);
        Same(acc, y, c, "y");
        Same(acc, dx, c, "dx");
        Same(acc, dgamma, c, "dweight");
        Same(acc, dbeta, c, "dbias");
        Same(acc, runMean, c, "running_mean_after");
        Same(acc, runVar, c, "running_var_after");
        Assert.Equal(1, Int(c, "num_batches_tracked"));
        // Eval mode with the updated running statistics.
        using var xEval = acc.Upload<float>(Floats(c, "x_eval"));
        acc.BatchNormForward(false, batch, channels, spatial, xEval, gamma, beta, runMean, runVar, saveMean,
            saveInvStd, y, momentum, eps);
        Same(acc, y, c, "y_eval");
    }

    private static void Same(CpuAccelerator acc, DeviceBuffer<float> actual, JsonElement c, string key) =>
        NumericAssert.Close(acc.ToArray(actual.View), c.GetProperty(key).EnumerateArray()
            .Select(v => v.GetDouble()).ToArray(), Agreement,
                $"{c.GetProperty("name").GetString()}: {key}", 0);

    private static float[] Floats(JsonElement c, string key) =>
        c.GetProperty(key).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static int[] Ints(JsonElement c, string key) =>
        c.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static int Int(JsonElement c, string key) => c.GetProperty(key).GetInt32();
}
