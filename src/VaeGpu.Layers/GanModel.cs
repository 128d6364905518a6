// The fully connected GANs (gan, lsgan, cgan): a generator G (noise [+ label] -> Tanh image in [-1, 1])
// and a discriminator D (image [+ label] -> one logit). One parameter arena holds G's parameters, then
// D's, under PyTorch nn.Sequential names (generator.0.weight, discriminator.4.bias, ...); each half has
// its own optimizer step counter and updates only its own slice of the arena and of the Adam state.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A GAN with hand-written backward passes, running on any accelerator.</summary>
public sealed partial class GanModel : IDisposable
{
    private const int DLoss = 0, GLoss = 1, DReal = 2, DFake = 3;

    private readonly Workspace _workspace;
    private readonly Sequential _generator;        // (B, N [+ C]) -> (B, D) in [-1, 1]
    private readonly Sequential _discriminator;    // (B, D [+ C]) -> (B, 1) logits
    private readonly Tensor _real;                 // (maxB, D) images scaled to [-1, 1]
    private readonly Tensor _noise;                // (maxB, N)
    private readonly Tensor _gInput;               // (maxB, N + C), cgan only
    private readonly Tensor _dInput;               // (maxB, D + C), cgan only
    private readonly Tensor _dInputGrad;           // (maxB, D + C), cgan only
    private readonly Tensor _ones;                 // (maxB, 1) targets 1
    private readonly Tensor _zeros;                // (maxB, 1) targets 0
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
        Parameters = new ParameterArena(accelerator, ParameterShapes(config));
        GeneratorCount = Parameters.Table
            .Where(p => p.Name.StartsWith("generator.", StringComparison.Ordinal)).Sum(p => p.Length);
        _workspace = new Workspace(accelerator, maxBatch);
        var ws = _workspace;
        int d = config.InputDim, c = config.LabelColumns, n = config.Noise;
        _generator = Build(ws, "generator", n + c, config.GHidden, d, Activation.Relu, Activation.Tanh);
        _discriminator = Build(ws, "discriminator", d + c, config.DHidden, 1, Activation.LeakyRelu,
            Activation.Identity);
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

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; }

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
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(GanConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int c = config.LabelColumns;
        foreach (var entry in Shapes("generator", config.Noise + c, config.GHidden, config.InputDim))
            yield return entry;
        foreach (var entry in Shapes("discriminator", config.InputDim + c, config.DHidden, 1))
            yield return entry;
    }

    /// <summary>
    /// The PyTorch modules of G and D in order ("Linear(96, 1024)", "ReLU()", ...), for config.json.
    /// </summary>
    public static (string[] Generator, string[] Discriminator) Architecture(GanConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int c = config.LabelColumns;
        return (Modules(config.Noise + c, config.GHidden, config.InputDim, "ReLU()", "Tanh()"),
            Modules(config.InputDim + c, config.DHidden, 1, "LeakyReLU(negative_slope=0.01)", null));
    }

    /// <summary>
    /// Re-initializes every parameter like PyTorch's nn.Linear from SplitMix64(Config.Seed), zeroes the
    /// gradients, the optimizer state and the step counter.
    /// </summary>
    public void Initialize()
    {
        Linear.InitializeParameters(Parameters, Config.Seed);
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

    private Sequential Build(Workspace ws, string prefix, int input, int[] hidden, int output,
        Activation act, Activation last)
    {
        var layers = new List<Layer>();
        int width = input;
        for (int i = 0; i <= hidden.Length; i++)
        {
            bool top = i == hidden.Length;
            int next = top ? output : hidden[i];
            layers.Add(new Linear(ws, Parameters, $"{prefix}.{2 * i}", width, next, top ? last : act));
            width = next;
        }
        return new Sequential(layers);
    }

    // Linear i of a stack sits at nn.Sequential index 2 i (an activation module follows each one).
    private static IEnumerable<(string Name, int[] Shape)> Shapes(string prefix, int input, int[] hidden,
        int output)
    {
        int width = input;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int next = i == hidden.Length ? output : hidden[i];
            foreach (var entry in Linear.ParameterShapes($"{prefix}.{2 * i}", width, next))
                yield return entry;
            width = next;
        }
    }

    private static string[] Modules(int input, int[] hidden, int output, string act, string? last)
    {
        var modules = new List<string>();
        int width = input;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int next = i == hidden.Length ? output : hidden[i];
            modules.Add($"Linear(in_features={width}, out_features={next})");
            if (i < hidden.Length) modules.Add(act);
            else if (last is not null) modules.Add(last);
            width = next;
        }
        return [.. modules];
    }
}
