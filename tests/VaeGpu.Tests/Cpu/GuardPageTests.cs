// The cpu backend's native memory under VAEGPU_GUARD_PAGES=1 (CpuMemory): a block ends exactly where an
// inaccessible page begins, so an overflow faults where it happens; and every model trains under it in a
// child process (a write past a buffer's end, or into a freed one, would kill it with SIGSEGV).
using VaeGpu.Kernels.Cpu;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

public sealed unsafe class GuardPageTests(ITestOutputHelper output)
{
    [LinuxFact]
    public void AGuardedBlockMeetsItsGuardPageAndRefusesADoubleFree()
    {
        foreach (int floats in new[] { 1, 100, 1024, 5000 })
        {
            float* block = (float*)CpuMemory.AllocateGuarded((nuint)(floats * sizeof(float)));
            long end = (long)block + (floats * sizeof(float) + 63) / 64 * 64;
            Assert.Equal(0, (long)block % 64);
            Assert.Equal(0, end % Environment.SystemPageSize);
            for (int i = 0; i < floats; i++) block[i] = i; // the whole block is writable
            Assert.Equal(floats - 1, block[floats - 1]);
            CpuMemory.FreeGuarded(block);
            Assert.Throws<InvalidOperationException>(() => CpuMemory.FreeGuarded(block));
            float* front = (float*)CpuMemory.AllocateGuarded((nuint)(floats * sizeof(float)), front: true);
            Assert.Equal(0, (long)front % Environment.SystemPageSize); // right after the guard page
            for (int i = 0; i < floats; i++) front[i] = i;
            CpuMemory.FreeGuarded(front);
        }
    }

    /// <summary>Each model family for a short run with guard pages on: the conv VAE (im2col, col2im,
    /// the gathered GEMMs), the dcgan (transposed convs, pooling, batch norm), the MLP GAN and the VAE,
    /// with their pictures and reports.</summary>
    [LinuxTheory]
    [InlineData("vae", "--limit", "600")]
    [InlineData("conv", "--arch", "conv", "--limit", "300")]
    [InlineData("dcgan", "--model", "dcgan", "--limit", "300")]
    [InlineData("cgan", "--model", "cgan", "--limit", "600")]
    public void EveryModelTrainsWithGuardPages(string tag, params string[] options)
    {
        Assert.Null(TestData.UnavailableReason("mnist"));
        using var temp = new TempFolder("guard-" + tag);
        string dir = temp.Path;
        var env = new Dictionary<string, string> { [CpuMemory.GuardVariable] = "1" };
        var result = RunnerProcess.Run(env, [.. options, "--epochs", "1", "--seed", "1", "--data-dir",
            RunnerHarness.DataDir("mnist"), "--out", Path.Combine(dir, "run"), "--quiet"]);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
    }
}

/// <summary>A [Fact] that skips off Linux, where guard pages (mmap, mprotect) are not implemented.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    internal const string Reason = "guard pages (VAEGPU_GUARD_PAGES) need Linux's mmap and mprotect";

    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = Reason;
    }
}

/// <summary>A [Theory] that skips like <see cref="LinuxFactAttribute"/>.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = LinuxFactAttribute.Reason;
    }
}
