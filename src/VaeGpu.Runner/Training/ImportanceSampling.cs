// The importance-sampled log-likelihood bound of Burda et al. (IWAE, 2016) for a trained VAE:
//   log p(x) >= E[ log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x) ],  z_k ~ q(z | x),
// with p(x | z) the Bernoulli likelihood of the decoder's logits (the BCE the model trains with),
// p(z) = N(0, I) and q = N(mu, exp(logvar)). The layers library exposes Encode and Decode but no
// log-densities, so the densities are computed here on the host in float64 from those outputs;
// eps comes from the model's Sample stream on the device, so a run's bound is reproducible.
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

/// <summary>Estimates -log p(x) per test image with K importance samples.</summary>
public static class ImportanceSampling
{
    private const long CounterBase = 1L << 40; // Sample-stream counters of their own, apart from pictures

    /// <summary>Mean over the split of -log p(x) estimated with <paramref name="k"/> samples (nats per
    /// image).</summary>
    public static double NegativeLogLikelihood(VaeModel model, DeviceSplit split, int k)
    {
        var config = model.Config;
        if (!config.IsVariational) throw new UserErrorException("--importance-samples needs a vae or cvae, not an ae");
        if (config.Recon != ReconstructionLoss.Bce)
            throw new UserErrorException("--importance-samples needs --recon bce (a Bernoulli likelihood)");
        int l = config.Latent, d = config.InputDim, c = config.Classes;
        bool conditional = config.Kind == ModelKind.Cvae;
        var acc = model.Accelerator;
        int chunk = model.MaxBatch;
        var order = Enumerable.Range(0, split.Count).ToArray();
        using var zBuffer = acc.Allocate<float>(chunk * l);
        using var epsBuffer = acc.Allocate<float>(chunk * l);
        using var labelBuffer = conditional ? acc.Allocate<float>(chunk * c) : null;
        var x = new float[chunk * d];
        var mu = new float[chunk * l];
        var logvar = new float[chunk * l];
        var eps = new float[chunk * l];
        var z = new float[chunk * l];
        var logits = new float[chunk * d];
        var logWeights = new double[chunk * k];
        double total = 0;
        long batchIndex = 0;
        double halfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
        for (int start = 0; start < split.Count; start += chunk, batchIndex++)
        {
            int n = Math.Min(chunk, split.Count - start);
            split.Gather(order, start, n);
            acc.CopyToHost(split.Images.Slice(0, n * d), x.AsSpan(0, n * d));
            if (labelBuffer is not null) acc.Copy(split.OneHot.Slice(0, n * c), labelBuffer.Slice(0, n * c));
            var (muView, logvarView) = model.Encode(split.Images, split.OneHot, n);
            acc.CopyToHost(muView.View.Slice(0, n * l), mu.AsSpan(0, n * l));
            acc.CopyToHost(logvarView.View.Slice(0, n * l), logvar.AsSpan(0, n * l));
            for (int sample = 0; sample < k; sample++)
            {
                model.SampleLatent(epsBuffer.View, n, CounterBase + batchIndex * k + sample);
                acc.CopyToHost(epsBuffer.Slice(0, n * l), eps.AsSpan(0, n * l));
                for (int i = 0; i < n * l; i++) z[i] = mu[i] + MathF.Exp(0.5f * logvar[i]) * eps[i];
                acc.CopyFromHost<float>(z.AsSpan(0, n * l), zBuffer.Slice(0, n * l));
                var logitView = model.Decode(zBuffer.View, labelBuffer?.View ?? default, n, images: false);
                acc.CopyToHost(logitView.View.Slice(0, n * d), logits.AsSpan(0, n * d));
                for (int row = 0; row < n; row++)
                {
                    double logLikelihood = 0;
                    for (int p = 0; p < d; p++)
                    {
                        double logit = logits[row * d + p], target = x[row * d + p];
                        // log p(x|z) = -BCE, in the stable form max(l,0) - l x + log(1 + exp(-|l|)).
                        logLikelihood -= Math.Max(logit, 0) - logit * target + Math.Log(1
                            + Math.Exp(-Math.Abs(logit)));
                    }
                    double logPrior = 0, logPosterior = 0;
                    for (int j = 0; j < l; j++)
                    {
                        int at = row * l + j;
                        logPrior -= 0.5 * (double)z[at] * z[at] + halfLog2Pi;
                        logPosterior -= 0.5 * (double)eps[at] * eps[at] + halfLog2Pi + 0.5 * logvar[at];
                    }
                    logWeights[row * k + sample] = logLikelihood + logPrior - logPosterior;
                }
            }
            for (int row = 0; row < n; row++) total -= LogMeanExp(logWeights.AsSpan(row * k, k));
        }
        return total / split.Count;
    }

    /// <summary>log((1/K) sum exp(w_k)), shifted by the maximum so nothing overflows.</summary>
    public static double LogMeanExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum / values.Length);
    }
}
