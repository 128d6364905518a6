// The GANs (gan, lsgan, cgan, dcgan): a generator G (noise [+ label] -> Tanh image in [-1, 1]) and a
// discriminator D (image [+ label] -> one logit), built from GanArchitecture's layer specs. One
// parameter arena holds G's parameters, then D's, under PyTorch nn.Sequential names
// (generator.0.weight, generator.2.running_mean, discriminator.4.bias, ...); each half updates only its
// own slice of the arena and of the Adam state. The dcgan's batch norms (all in G) run in training mode
// inside a training step and in eval mode (running statistics) in Generate, like model.eval().
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A GAN with hand-written backward passes, running on any accelerator.</summary>
public sealed partial class GanModel : IDisposable
{
    private const int DLoss = 0, GLoss = 1, DReal = 2, DFake = 3;

    private readonly Workspace _workspace;         // 2 maxB rows when PairsPasses, else maxB
    private readonly Sequential _generator;        // (B, N [+ C]) -> (B, D) in [-1, 1]
    private readonly Sequential _discriminator;    // (B, D [+ C]) -> (B, 1) logits
    // Batch tensors have the workspace's rows (2 maxB when PairsPasses).
    private readonly Tensor _real;                 // (maxB, D) images scaled to [-1, 1] (then the fakes)
    private readonly Tensor _noise;                // (maxB, N)
    private readonly Tensor _gInput;               // (maxB, N + C), cgan only
    private readonly Tensor _dInput;               // (maxB, D + C), cgan only
    private readonly Tensor _dInputGrad;           // (maxB, D + C), cgan only
    private readonly Tensor _ones;                 // (maxB, 1) targets 1
    private readonly Tensor _zeros;                // (maxB, 1) targets 0
    private readonly Tensor _realFake;             // (2 maxB, 1) targets 1 then 0 (D's paired pass)
    private readonly Tensor _rowLoss;              // (maxB, 1)
    private readonly Tensor _probability;          // (maxB, 1) sigmoid(D)
    private readonly DeviceBuffer<float> _lossSums; // (4): d_loss, g_loss, d_real, d_fake sums
    private readonly float[] _lossHost = new float[4];
    private long _count;

    /// <summary>Builds the GAN for batches of up to <paramref name="maxBatch"/> and initializes it.</summary>
    public GanModel(Accelerator accelerator, GanConfig config, int maxBatch)
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
        Layout = GanArchitecture.Of(config);
        Parameters = new ParameterArena(accelerator, Layout.ParameterShapes());
        GeneratorCount = Parameters.Table
            .Where(p => p.Name.StartsWith("generator.", StringComparison.Ordinal)).Sum(p => p.Length);
        // Without batch norm every row is computed as if alone, so a step runs G once on its D batch and
        // its G batch, and D once on the real and the fake batch: passes of twice the rows (TrainStep).
        _workspace = new Workspace(accelerator, PairsPasses ? 2 * maxBatch : maxBatch);
        var ws = _workspace;
        int d = config.InputDim, c = config.LabelColumns, n = config.Noise;
        _generator = new Sequential(SpecLayers.Build(ws, Parameters, Layout.Generator, 0,
            Layout.Generator.Count));
        _discriminator = new Sequential(SpecLayers.Build(ws, Parameters, Layout.Discriminator, 0,
            Layout.Discriminator.Count));
        _real = ws.Batch(d);
        _noise = ws.Batch(n);
        if (c > 0)
        {
            _gInput = ws.Batch(n + c);
            _dInput = ws.Batch(d + c);
            _dInputGrad = ws.Batch(d + c);
        }
        _ones = ws.Batch(1);
        _zeros = ws.Batch(1);
        _realFake = ws.Batch(1);
        _rowLoss = ws.Batch(1);
        _probability = ws.Batch(1);
        accelerator.Fill(_ones.View, 1);
        accelerator.Fill(_zeros.View, 0);
        _lossSums = accelerator.Allocate<float>(4);
        accelerator.Fill(_lossSums, 0);
        Initialize();
    }

    /// <summary>The device the model runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The architecture.</summary>
    public GanConfig Config { get; }

    /// <summary>G's and D's layers as torch.nn specs.</summary>
    public GanArchitecture Layout { get; }

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; }

    /// <summary>
    /// True when a training step runs G once on both of its noise batches (no batch norm in G, so every
    /// row is computed as if alone; the results are those of two passes, bit for bit) and D once on the
    /// real and the fake batch. Either way D's and G's gradients are assigned, not zeroed first.
    /// </summary>
    public bool PairsPasses => !Config.IsConvolutional;

    /// <summary>G's parameters [0, GeneratorCount), then D's, with gradients and optimizer state.</summary>
    public ParameterArena Parameters { get; }

    /// <summary>Parameters of the generator (the first part of the arena).</summary>
    public int GeneratorCount { get; }

    /// <summary>Parameters of the discriminator (the rest of the arena).</summary>
    public int DiscriminatorCount => Parameters.Count - GeneratorCount;

    /// <summary>Training steps taken (each one D update and one G update); restored on resume.</summary>
    public long StepCount { get; set; }

    /// <summary>The noise of the last discriminator or generator pass: (B, Noise).</summary>
    public Tensor Noise => _noise;

    /// <summary>The parameter table of a config, in arena order (generator first).</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(GanConfig config) =>
        GanArchitecture.Of(config).ParameterShapes();

    /// <summary>
    /// The PyTorch modules of G and D in order ("Linear(in_features=96, out_features=1024)", "ReLU()",
    /// ...), for the checkpoint's metadata.
    /// </summary>
    public static (string[] Generator, string[] Discriminator) Architecture(GanConfig config)
    {
        var layout = GanArchitecture.Of(config);
        return ([.. layout.Generator.Select(s => s.ToString())],
            [.. layout.Discriminator.Select(s => s.ToString())]);
    }

    /// <summary>
    /// Re-initializes every parameter like PyTorch (Linear and conv uniform in +-1/sqrt(fan_in), batch
    /// norm 1, 0 and running 0, 1) from SplitMix64(Config.Seed), zeroes the gradients, the optimizer
    /// state and the step counter.
    /// </summary>
    public void Initialize()
    {
        SpecLayers.InitializeParameters(Parameters, Config.Seed);
        Parameters.ZeroGradients();
        Parameters.ResetOptimizerState();
        StepCount = 0;
    }

    /// <summary>Frees every device buffer of the model.</summary>
    public void Dispose()
    {
        _workspace.Dispose();
        _lossSums.Dispose();
        Parameters.Dispose();
    }
}
