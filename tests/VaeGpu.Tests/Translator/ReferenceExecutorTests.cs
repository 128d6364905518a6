// The reference executor itself: launch checks, errors that say which work-item failed, barriers that
// really synchronize (a value written before a barrier is seen by every other work-item after it), and
// divergent barriers reported instead of hanging.
using VaeGpu.Kernels.Device;

namespace VaeGpu.Tests.Translator;

public sealed class ReferenceExecutorTests
{
    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(10, 1, 4, 1)]
    [InlineData(8, 3, 4, 2)]
    [InlineData(8, 1, -4, 1)]
    public void RejectsLaunchesThatAreNotWholeGroups(int globalX, int globalY, int localX, int localY)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ReferenceExecutor.Run(new LaunchDims(globalX, globalY, localX, localY), false, _ => { }));
        Assert.Contains("global a multiple of local", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FailureNamesTheWorkItem(bool cooperative)
    {
        var dims = new LaunchDims(8, 2, 4, 1);
        var e = Assert.ThrowsAny<Exception>(() => ReferenceExecutor.Run(dims, cooperative, k =>
        {
            if (k.GlobalId(0) == 5 && k.GlobalId(1) == 1) throw new IndexOutOfRangeException("boom");
        }));
        Assert.Contains("group (1, 1), local (1, 0)", e.Message);
        Assert.Contains("boom", e.Message);
    }

    [Fact]
    public void SequentialRunRefusesBarriers()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ReferenceExecutor.Run(new LaunchDims(4, 1, 4, 1), false, k => k.Barrier()));
        Assert.Contains("cooperative", e.InnerException?.Message ?? e.Message);
    }

    [Fact]
    public void BarrierMakesEveryWriteVisibleAndSharedArraysArePerGroup()
    {
        const int group = 32, groups = 5;
        int[] output = new int[group * groups];
        ReferenceExecutor.Run(new LaunchDims(group * groups, 1, group, 1), true, k =>
        {
            var shared = k.Shared<int>(group);
            int local = k.LocalId(0);
            Assert.Equal(0, shared[(local + 1) % group]); // fresh (zeroed) per group, nothing written yet
            k.Barrier();
            shared[local] = k.GlobalId(0) + 1;
            k.Barrier();
            int sum = 0;
            for (int i = 0; i < group; i++) sum += shared[i];
            output[k.GlobalId(0)] = sum;
        });
        for (int g = 0; g < groups; g++)
        {
            int expected = Enumerable.Range(g * group + 1, group).Sum();
            Assert.All(output.Skip(g * group).Take(group), v => Assert.Equal(expected, v));
        }
    }

    [Fact]
    public void DivergentBarrierIsReportedNotHung()
    {
        TimeSpan saved = ReferenceExecutor.BarrierTimeout;
        ReferenceExecutor.BarrierTimeout = TimeSpan.FromMilliseconds(300);
        try
        {
            var dims = new LaunchDims(4, 1, 4, 1);
            var e = Assert.ThrowsAny<Exception>(() => ReferenceExecutor.Run(dims, true, k =>
            {
                if (k.LocalId(0) == 0) k.Barrier();
                k.Barrier();
                k.Barrier();
            }));
            Assert.Contains("different barriers", e.Message);
        }
        finally
        {
            ReferenceExecutor.BarrierTimeout = saved;
        }
    }
}
