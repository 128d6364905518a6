// The importance-sampled log-likelihood bound of Burda et al. (IWAE, 2016) for a trained VAE:
//   log p(x) >= E[ log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x) ],  z_k ~ q(z | x),
// with p(x | z) the Bernoulli likelihood of the decoder's logits, p(z) = N(0, I), q = N(mu, exp(logvar)).
// The heavy work stays on the device: per chunk of images one Encode, then per sample the
// reparameterization, Decode and the per-row BCE. Only the BCE (n floats) and eps and z (n x L) come
// back, in blocks of samples, for the O(L) density terms in float64 on the host.
using VaeGpu.Kernels;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

/// <summary>Estimates -log p(x) per test image with K importance samples.</summary>
public static class ImportanceSampling
{
    /// <summary>First Sample-stream counter of the bound's eps (apart from the pictures' draws).</summary>
    public const long CounterBase = 1L << 40;

    /// <summary>Samples whose eps, z and BCE are copied to the host together (one sync per block).</summary>
    public const int SampleBlock = 16;

    /// <summary>The Philox stream of sample <paramref name="sample"/> of chunk <paramref name="chunk"/>
    /// (eps of row r of the chunk are normals r L .. r L + L - 1 of it).</summary>
    public static ulong Stream(long chunk, int k, int sample) =>
        RngStreams.Sample(CounterBase + chunk * k + sample);

    /// <summary>Mean over the split of -log p(x) estimated with <paramref name="k"/> samples (nats per
    /// image).</summary>
    public static double NegativeLogLikelihood(VaeModel model, DeviceSplit split, int k,
        IProgress<double>? progress = null)
    {
        var perImage = new double[split.Count];
        NegativeLogLikelihoods(model, split, k, perImage, progress);
        double total = 0;
        foreach (double value in perImage) total += value;
        return total / split.Count;
    }

    /// <summary>Writes the K-sample estimate of -log p(x) of every image of the split into
    /// <paramref name="perImage"/>; images go in chunks of the model's MaxBatch.</summary>
    public static void NegativeLogLikelihoods(VaeModel model, DeviceSplit split, int k,
        Span<double> perImage, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(split);
        var config = model.Config;
        if (!config.IsVariational)
            throw new UserErrorException("the log-likelihood bound needs a vae or cvae, not an ae");
        if (config.Recon != ReconstructionLoss.Bce)
            throw new UserErrorException(
                "the log-likelihood bound needs --recon bce (a Bernoulli likelihood)");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"K must be at least 1, got {k}");
        if (perImage.Length != split.Count)
            throw new ArgumentException($"{perImage.Length} results for {split.Count} images",
                nameof(perImage));
        if (split.Images.Length < (long)model.MaxBatch * config.InputDim)
            throw new ArgumentException($"the split gathers {split.Images.Length / config.InputDim} " +
                $"images at a time, the model's chunks are {model.MaxBatch}", nameof(split));
        using var work = new Buffers(model, Math.Min(k, SampleBlock));
        split.UploadOrder(Identity(split.Count));
        long chunkIndex = 0;
        for (int start = 0; start < split.Count; start += model.MaxBatch, chunkIndex++)
        {
            int n = Math.Min(model.MaxBatch, split.Count - start);
            work.Chunk(split, start, n, chunkIndex, k, perImage.Slice(start, n), (long)split.Count * k,
                progress);
        }
        progress?.Report(1.0);
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

    private static int[] Identity(int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        return order;
    }

    /// <summary>Device and host buffers of one estimate, allocated once.</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly VaeModel _model;
        private readonly Accelerator _acc;
        private readonly int _block, _latent, _inputDim;
        private readonly DeviceBuffer<float> _mu, _logvar;   // (chunk, L): the chunk's q(z|x)
        private readonly DeviceBuffer<float> _eps, _z;       // (block, chunk, L)
        private readonly DeviceBuffer<float> _bce;           // (block, chunk): -log p(x | z) per row
        private readonly float[] _logvarHost, _epsHost, _zHost, _bceHost;
        private readonly double[] _halfLogvarSum;            // (chunk): 0.5 sum_j logvar, the log q term
        private readonly double[] _max, _scaledSum;          // (chunk): streaming log-mean-exp per row

        public Buffers(VaeModel model, int block)
        {
            (_model, _acc, _block) = (model, model.Accelerator, block);
            (_latent, _inputDim) = (model.Config.Latent, model.Config.InputDim);
            int chunk = model.MaxBatch, rows = chunk * _latent;
            _mu = _acc.Allocate<float>(rows);
            _logvar = _acc.Allocate<float>(rows);
            _eps = _acc.Allocate<float>(block * rows);
            _z = _acc.Allocate<float>(block * rows);
            _bce = _acc.Allocate<float>(block * chunk);
            _logvarHost = new float[rows];
            (_epsHost, _zHost) = (new float[block * rows], new float[block * rows]);
            _bceHost = new float[block * chunk];
            (_halfLogvarSum, _max, _scaledSum) = (new double[chunk], new double[chunk], new double[chunk]);
        }

        /// <summary>Estimates the n images at positions [start, start + n) of the split's order.</summary>
        public void Chunk(DeviceSplit split, int start, int n, long chunkIndex, int k, Span<double> result,
            long totalWork, IProgress<double>? progress)
        {
            int l = _latent, size = n * l;
            split.GatherFromOrder(start, n);
            var (mu, logvar) = _model.Encode(split.Images, split.OneHot, n);
            // Own copies: Encode's views are only promised until the model's next call (Decode).
            _acc.Copy(mu.View.Slice(0, size), _mu.Slice(0, size));
            _acc.Copy(logvar.View.Slice(0, size), _logvar.Slice(0, size));
            _acc.CopyToHost(_logvar.Slice(0, size), _logvarHost.AsSpan(0, size));
            for (int row = 0; row < n; row++)
            {
                double sum = 0;
                for (int j = 0; j < l; j++) sum += _logvarHost[row * l + j];
                _halfLogvarSum[row] = 0.5 * sum;
                _max[row] = double.NegativeInfinity;
                _scaledSum[row] = 0;
            }
            for (int first = 0; first < k; first += _block)
            {
                int count = Math.Min(_block, k - first);
                for (int s = 0; s < count; s++)
                    SampleOnDevice(split, n, Stream(chunkIndex, k, first + s), s);
                _acc.CopyToHost(_bce.Slice(0, count * n), _bceHost.AsSpan(0, count * n));
                _acc.CopyToHost(_eps.Slice(0, count * size), _epsHost.AsSpan(0, count * size));
                _acc.CopyToHost(_z.Slice(0, count * size), _zHost.AsSpan(0, count * size));
                for (int s = 0; s < count; s++) AddLogWeights(n, s);
                progress?.Report(((double)start * k + (double)n * (first + count)) / totalWork);
            }
            for (int row = 0; row < n; row++)
                result[row] = -(_max[row] + Math.Log(_scaledSum[row] / k));
        }

        /// <summary>One sample for the whole chunk, on the device: eps, z, logits, BCE per row.</summary>
        private void SampleOnDevice(DeviceSplit split, int n, ulong stream, int slot)
        {
            int size = n * _latent;
            var eps = _eps.Slice(slot * size, size);                  // (n, L)
            var z = _z.Slice(slot * size, size);                      // (n, L)
            _acc.ReparameterizeForward(_mu.Slice(0, size), _logvar.Slice(0, size), eps, z, size,
                _model.Config.Seed, stream);
            var logits = _model.Decode(z, split.OneHot, n, images: false); // (n, D)
            _acc.BceWithLogits(logits.View, split.Images, n, _inputDim, _bce.Slice(slot * n, n),
                default, 0f);
        }

        /// <summary>log w = log p(x|z) + log p(z) - log q(z|x) per row, folded into the running
        /// log-mean-exp. The 2 pi constants of p and q cancel; (z - mu) / sigma is eps.</summary>
        private void AddLogWeights(int n, int slot)
        {
            int l = _latent, size = n * l;
            var eps = _epsHost.AsSpan(slot * size, size);
            var z = _zHost.AsSpan(slot * size, size);
            for (int row = 0; row < n; row++)
            {
                double density = _halfLogvarSum[row];
                for (int j = 0; j < l; j++)
                {
                    double zj = z[row * l + j], ej = eps[row * l + j];
                    density += 0.5 * (ej * ej - zj * zj);
                }
                double logWeight = density - _bceHost[slot * n + row];
                if (double.IsNegativeInfinity(logWeight)) continue; // a zero weight adds nothing
                // Streaming log-sum-exp: keep the largest weight so far and the sum scaled by it.
                if (logWeight <= _max[row])
                {
                    _scaledSum[row] += Math.Exp(logWeight - _max[row]);
                }
                else
                {
                    _scaledSum[row] = _scaledSum[row] * Math.Exp(_max[row] - logWeight) + 1;
                    _max[row] = logWeight;
                }
            }
        }

        public void Dispose()
        {
            _mu.Dispose(); _logvar.Dispose(); _eps.Dispose(); _z.Dispose(); _bce.Dispose();
        }
    }
}
