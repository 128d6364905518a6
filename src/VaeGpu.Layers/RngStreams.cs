// Philox stream numbers of a model's random draws. The Philox key is the model's seed; the stream
// says what the draw is for (top byte) and which one it is (low 56 bits), so training eps depend
// only on (seed, step counter): a resumed run draws exactly what an uninterrupted one would.
namespace VaeGpu.Layers;

/// <summary>Stream numbers for <c>Accelerator.FillNormal</c> / <c>ReparameterizeForward</c>.</summary>
public static class RngStreams
{
    private const int TagShift = 56;
    private const ulong CounterMask = (1UL << TagShift) - 1;

    /// <summary>The eps of training step <paramref name="step"/> (steps counted from 0).</summary>
    public static ulong Train(long step) => (1UL << TagShift) | ((ulong)step & CounterMask);

    /// <summary>The eps of evaluation batch <paramref name="counter"/>.</summary>
    public static ulong Eval(long counter) => (2UL << TagShift) | ((ulong)counter & CounterMask);

    /// <summary>Latent samples for pictures (samples grids), draw <paramref name="counter"/>.</summary>
    public static ulong Sample(long counter) => (3UL << TagShift) | ((ulong)counter & CounterMask);

    /// <summary>The GAN's noise for the discriminator's fake batch of step <paramref name="step"/>.
    /// </summary>
    public static ulong DiscriminatorNoise(long step) => (4UL << TagShift) | ((ulong)step & CounterMask);

    /// <summary>The GAN's fresh noise for the generator's update of step <paramref name="step"/>.</summary>
    public static ulong GeneratorNoise(long step) => (5UL << TagShift) | ((ulong)step & CounterMask);
}
