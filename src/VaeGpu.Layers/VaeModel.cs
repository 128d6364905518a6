// The VAE / CVAE / AE model: encoder MLP -> (mu, logvar) heads -> reparameterize -> decoder MLP ->
// logits. Builds its parameter table from the config (checkpoint names encoder.layers.{i}.*,
// encoder.mu.*, encoder.logvar.*, decoder.layers.{i}.*, decoder.out.*), allocates every buffer once
// for maxBatch and initializes weights like PyTorch's nn.Linear from a seeded SplitMix64.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A VAE, CVAE or AE with hand-written backward passes, running on any accelerator.</summary>
public sealed partial class VaeModel : IDisposable
{
    private const int TrainRecon = 0, TrainKl = 1, EvalRecon = 2, EvalKl = 3;

    private readonly Workspace _workspace;
    private readonly Sequential? _encoderFront;   // conv: convolutions to Flatten, (B, F); else null
    private readonly Sequential? _encoder;        // hidden layers; null when Encoder is empty
    private readonly Linear _muHead;              // (B, L)
    private readonly Linear? _logvarHead;         // (B, L); null for ae
    private readonly Sequential _decoder;         // hidden layers + out, (B, D) logits
    private readonly Tensor _encoderInput;        // (maxB, D + C) or conv (maxB, F + C), cvae only
    private readonly Tensor _encoderInputGrad;    // conv cvae only: (maxB, F + C)
    private readonly bool _hasBatchNorm;
    private readonly Tensor _decoderInput;        // (maxB, L + C), cvae only
    private readonly Tensor _decoderInputGrad;    // (maxB, L + C), cvae only
    private readonly Tensor _eps;                 // (maxB, L), variational only
    private readonly Tensor _z;                   // (maxB, L), variational only
    private readonly Tensor _zGrad;               // (maxB, L), variational only
    private readonly Tensor _reconRows;           // (maxB, 1) per-image reconstruction loss
    private readonly Tensor _klRows;              // (maxB, 1) per-image KL
    private readonly Tensor _images;              // (maxB, D) sigmoid(logits) for Decode
    private readonly DeviceBuffer<float> _lossSums; // (4): train recon, train KL, eval recon, eval KL
    private readonly float[] _lossHost = new float[4];
    private long _trainCount, _evalCount;

    /// <summary>
    /// Builds the model for batches of up to <paramref name="maxBatch"/> and initializes its weights.
    /// </summary>
    public VaeModel(Accelerator accelerator, ModelConfig config, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (maxBatch <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatch),
                $"max batch must be positive, got {maxBatch}");
        Accelerator = accelerator;
        Config = config;
        MaxBatch = maxBatch;
        Parameters = new ParameterArena(accelerator, ParameterShapes(config));
        Optimizer = new Optimizer(Parameters);
        _workspace = new Workspace(accelerator, maxBatch);
        var ws = _workspace;
        int d = config.InputDim, c = config.Kind == ModelKind.Cvae ? config.Classes : 0, l = config.Latent;
        var act = config.Activation;

        Architecture = ModelArchitecture.Of(config);
        int encoderInputs = d;                                    // columns the label is appended to
        if (config.Arch == ModelArch.Conv)
        {
            var arch = Architecture;
            int split = arch.Encoder.ToList().FindIndex(s => s.Type == "Flatten") + 1;
            _encoderFront = new Sequential(BuildLayers(ws, Parameters, arch.Encoder, 0, split));
            _encoder = new Sequential(BuildLayers(ws, Parameters, arch.Encoder, split, arch.Encoder.Count));
            encoderInputs = _encoderFront.OutputSize;
            _muHead = (Linear)BuildLayers(ws, Parameters, [arch.Mu], 0, 1)[0];
            _logvarHead = arch.Logvar is null
                ? null : (Linear)BuildLayers(ws, Parameters, [arch.Logvar], 0, 1)[0];
            _decoder = new Sequential(BuildLayers(ws, Parameters, arch.Decoder, 0, arch.Decoder.Count));
            _hasBatchNorm = config.BatchNorm;
            if (c > 0) _encoderInputGrad = ws.Batch(encoderInputs + c);
        }
        else
        {
            var encoderLayers = new List<Layer>();
            int width = config.EncoderInputDim;
            for (int i = 0; i < config.Encoder.Length; i++)
            {
                encoderLayers.Add(
                    new Linear(ws, Parameters, $"encoder.layers.{i}", width, config.Encoder[i], act));
                width = config.Encoder[i];
            }
            _encoder = encoderLayers.Count > 0 ? new Sequential(encoderLayers) : null;
            _muHead = new Linear(ws, Parameters, "encoder.mu", width, l);
            _logvarHead = config.IsVariational
                ? new Linear(ws, Parameters, "encoder.logvar", width, l) : null;

            var decoderLayers = new List<Layer>();
            width = config.DecoderInputDim;
            for (int i = 0; i < config.Decoder.Length; i++)
            {
                decoderLayers.Add(
                    new Linear(ws, Parameters, $"decoder.layers.{i}", width, config.Decoder[i], act));
                width = config.Decoder[i];
            }
            decoderLayers.Add(new Linear(ws, Parameters, "decoder.out", width, d));
            _decoder = new Sequential(decoderLayers);
        }

        if (c > 0)
        {
            _encoderInput = ws.Batch(encoderInputs + c);
            _decoderInput = ws.Batch(l + c);
            _decoderInputGrad = ws.Batch(l + c);
        }
        if (config.IsVariational)
        {
            _eps = ws.Batch(l);
            _z = ws.Batch(l);
            _zGrad = ws.Batch(l);
        }
        _reconRows = ws.Batch(1);
        _klRows = ws.Batch(1);
        _images = ws.Batch(d);
        _lossSums = accelerator.Allocate<float>(4);
        accelerator.Fill(_lossSums, 0);
        Initialize();
    }

    /// <summary>The device the model runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The architecture and loss settings.</summary>
    public ModelConfig Config { get; }

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; }

    /// <summary>
    /// Parameters, gradients and optimizer state with their name/shape table (for checkpoints).
    /// </summary>
    public ParameterArena Parameters { get; }

    /// <summary>
    /// The optimizer; its StepCount is the training step counter (save and restore it on resume).
    /// </summary>
    public Optimizer Optimizer { get; }

    /// <summary>
    /// Steps trained so far; training eps come from stream <see cref="RngStreams.Train"/>(StepCount).
    /// </summary>
    public long StepCount => Optimizer.StepCount;

    /// <summary>
    /// Evaluation batches drawn with sampled eps so far (their stream counter); settable for resume.
    /// </summary>
    public long EvalCounter { get; set; }

    /// <summary>The parameter table of a config, in arena order.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Arch == ModelArch.Conv)
        {
            foreach (var entry in ModelArchitecture.Of(config).ParameterShapes()) yield return entry;
            yield break;
        }
        int width = config.EncoderInputDim;
        for (int i = 0; i < config.Encoder.Length; i++)
        {
            foreach (var entry in Linear.ParameterShapes($"encoder.layers.{i}", width, config.Encoder[i]))
                yield return entry;
            width = config.Encoder[i];
        }
        foreach (var entry in Linear.ParameterShapes("encoder.mu", width, config.Latent)) yield return entry;
        if (config.IsVariational)
            foreach (var entry in Linear.ParameterShapes("encoder.logvar", width, config.Latent))
                yield return entry;
        width = config.DecoderInputDim;
        for (int i = 0; i < config.Decoder.Length; i++)
        {
            foreach (var entry in Linear.ParameterShapes($"decoder.layers.{i}", width, config.Decoder[i]))
                yield return entry;
            width = config.Decoder[i];
        }
        foreach (var entry in Linear.ParameterShapes("decoder.out", width, config.InputDim))
            yield return entry;
    }

    /// <summary>
    /// Re-initializes every parameter like PyTorch's layers (weight and bias uniform in
    /// [-1/sqrt(fan_in), 1/sqrt(fan_in)]) from SplitMix64(Config.Seed), in table order; resets the
    /// optimizer.
    /// </summary>
    public void Initialize()
    {
        if (Config.Arch == ModelArch.Conv) InitializeParameters(Parameters, Config.Seed);
        else Linear.InitializeParameters(Parameters, Config.Seed);
        Parameters.ZeroGradients();
        Optimizer.Reset();
    }

    /// <summary>Frees every device buffer of the model.</summary>
    public void Dispose()
    {
        _workspace.Dispose();
        _lossSums.Dispose();
        Parameters.Dispose();
    }
}
