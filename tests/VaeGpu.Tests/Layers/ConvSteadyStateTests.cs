// A training step through the convolutional layers allocates nothing on the managed heap once warmed
// up (measured in a fresh process, as SteadyStateTests does for the MLP models).
using Xunit.Abstractions;

namespace VaeGpu.Tests.Layers;

public sealed class ConvSteadyStateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(16)]
    [InlineData(7)]
    public void ConvLayerStepAllocatesNothingAfterWarmUp(int batch)
    {
        var (exitCode, text) = AllocationProbe.RunOutOfProcess("conv-layers", batch);
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"allocation probe failed (exit code {exitCode}):\n{text}");
        var line = text.Split('\n').Single(l => l.StartsWith("allocated ", StringComparison.Ordinal));
        long allocated = long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(allocated == 0,
            $"{allocated} managed bytes allocated per window of conv-layer steps:\n{text}");
    }
}
