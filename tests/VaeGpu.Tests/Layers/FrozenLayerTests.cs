// Layer.Frozen (PyTorch's requires_grad_(False)), which a GAN's generator step sets on the
// discriminator: a frozen network passes exactly the same input gradient on and leaves every parameter
// gradient as it was, for each layer kind with parameters (conv, batch norm, linear with and without an
// activation, transposed conv). Backward asked to assign the parameter gradients gives, over stale
// gradients, what adding to zeroed ones gives (the layers whose ops only add zero their own first),
// and a frozen layer asked to assign still leaves its gradients alone.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Layers;

public sealed class FrozenLayerTests(ITestOutputHelper output)
{
    [Fact]
    public void FrozenNetworkPassesTheSameInputGradientAndLeavesParameterGradients()
    {
        const int Batch = 3;
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, Conv2d.ParameterShapes("c", 2, 4, 3)
            .Concat(BatchNorm.ParameterShapes("bn", 4)).Concat(Linear.ParameterShapes("a", 64, 5))
            .Concat(Linear.ParameterShapes("b", 5, 18)).Concat(ConvTranspose2d.ParameterShapes("t", 2,
                1, 4)));
        using var ws = new Workspace(acc, Batch);
        var image = new ImageShape(4, 4, 4);
        var net = new Sequential([
            new Conv2d(ws, arena, "c", new ImageShape(2, 4, 4), 4, 3, 1, 1),
            new BatchNorm(ws, arena, "bn", image),
            new Flatten(ws, image),
            new Linear(ws, arena, "a", 64, 5, Activation.Tanh),
            new Linear(ws, arena, "b", 5, 18),
            new Unflatten(ws, new ImageShape(2, 3, 3)),
            new ConvTranspose2d(ws, arena, "t", new ImageShape(2, 3, 3), 1, 4, 2, 1)]);
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))
            .ToArray();
        arena.WriteValues(Floats(arena.Count));
        float[] x = Floats(Batch * 32), dy = Floats(Batch * net.Layers[^1].OutputSize);
        using var xBuffer = acc.Upload<float>(x);
        using var dx = acc.Allocate<float>(Batch * 32);
        var input = new Tensor(xBuffer.View, Batch, 32);
        var dxTensor = new Tensor(dx.View, Batch, 32);
        float[] Pass(bool frozen, float[] gradientsBefore, bool assign = false)
        {
            acc.CopyFromHost<float>(gradientsBefore, arena.Gradients.View);
            net.SetFrozen(frozen);
            net.Forward(input);
            acc.CopyFromHost<float>(dy, net.OutputGrad.View);
            net.Backward(dxTensor, assignParameterGradients: assign);
            return acc.ToArray(dx.View);
        }

        float[] dxLive = Pass(false, new float[arena.Count]);
        var live = new float[arena.Count];
        arena.ReadGradients(live);
        Assert.Contains(live, g => g != 0);
        float[] sentinel = Floats(arena.Count);
        float[] dxFrozen = Pass(true, sentinel);
        var frozenGradients = new float[arena.Count];
        arena.ReadGradients(frozenGradients);
        Assert.Equal(dxLive, dxFrozen);
        Assert.Equal(sentinel, frozenGradients);
        Assert.All(net.Layers, layer => Assert.True(layer.Frozen));
        Assert.Equal(dxLive, Pass(true, sentinel, assign: true));
        arena.ReadGradients(frozenGradients);
        Assert.Equal(sentinel, frozenGradients);
        net.SetFrozen(false);
        Assert.All(net.Layers, layer => Assert.False(layer.Frozen));
        // assigned over stale gradients: the gradients of the pass from zero, bit for bit
        Assert.Equal(dxLive, Pass(false, Floats(arena.Count), assign: true));
        var assigned = new float[arena.Count];
        arena.ReadGradients(assigned);
        Assert.Equal(live, assigned);
    }
}
