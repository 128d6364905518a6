// Shared pieces of the export tests: a run folder made from a freshly initialized model (checkpoint
// written by the real Checkpoint code, no training needed), and running an exported file in ONNX
// Runtime on float32 inputs of shape (batch, columns).
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;
using VaeGpu.Tests.Runner;

namespace VaeGpu.Tests.Export;

internal static class OnnxTestRuns
{
    /// <summary>
    /// Fills <paramref name="folder"/> as a run folder: config.json and model.safetensors of a model
    /// initialized from <paramref name="seed"/> (awkward sizes: 35 pixels as 7x5, hidden layers 13 and 6,
    /// latent 3). The caller owns (and disposes) the folder.
    /// </summary>
    public static (string Dir, RunConfig Config) Make(TempFolder folder, string model, string activation,
        ulong seed, int inputWidth = 7, int inputHeight = 5, int[]? encoder = null, int[]? decoder = null,
        int latent = 3, int classes = 4)
    {
        var config = new RunConfig
        {
            Model = EnumNames.TryParse<ModelKind>(model)!.Value, Dataset = "usps",
            InputDim = inputWidth * inputHeight, ImageWidth = inputWidth, ImageHeight = inputHeight,
            Classes = classes, Encoder = encoder ?? [13, 6], Decoder = decoder ?? [11], Latent = latent,
            Activation = EnumNames.TryParse<Activation>(activation)!.Value, Seed = seed,
        };
        string dir = folder.Path;
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, 1);
        using var vae = ModelFactory.CreateModel(acc, config, maxBatch: 1);
        Checkpoint.Save(dir, vae, config, epoch: 2);
        return (dir, config);
    }

    /// <summary>Runs an ONNX file on named (batch, columns) inputs; returns every output by name.</summary>
    public static Dictionary<string, float[]> Run(string path, int batch,
        params (string Name, float[] Values)[] inputs)
    {
        using var session = new InferenceSession(path);
        var values = inputs.Select(input => NamedOnnxValue.CreateFromTensor(input.Name,
            new DenseTensor<float>(input.Values, [batch, input.Values.Length / batch]))).ToList();
        using var results = session.Run(values);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    /// <summary>One-hot rows (batch, classes) with a random class per row.</summary>
    public static float[] OneHot(System.Random random, int batch, int classes)
    {
        var labels = new float[batch * classes];
        for (int row = 0; row < batch; row++) labels[row * classes + random.Next(classes)] = 1;
        return labels;
    }

    /// <summary>
    /// Gives every batch norm of the arena random eval-mode values (gamma in [0.5, 1.5], beta and running
    /// mean in [-0.5, 0.5], running variance in [0.2, 2]) instead of the fresh 1, 0, 0, 1, so a graph that
    /// drops or misplaces a batch norm cannot match.
    /// </summary>
    public static void RandomizeNorms(ParameterArena arena, System.Random random)
    {
        var values = new float[arena.Count];
        arena.ReadValues(values);
        foreach (var info in arena.Table)
        {
            string prefix = info.Name[..info.Name.LastIndexOf('.')];
            if (!arena.Table.Any(t => t.Name == prefix + ".running_mean")) continue;
            var (lo, hi) = info.Name[(prefix.Length + 1)..] switch
            {
                "weight" => (0.5, 1.5),
                "running_var" => (0.2, 2.0),
                _ => (-0.5, 0.5),
            };
            for (int i = 0; i < info.Length; i++)
                values[info.Offset + i] = (float)(lo + (hi - lo) * random.NextDouble());
        }
        arena.WriteValues(values);
    }

    /// <summary>The model of a run folder on a cpu accelerator, its checkpoint loaded.</summary>
    public static VaeModel Load(Accelerator acc, string dir, RunConfig config, int maxBatch)
    {
        var model = ModelFactory.CreateModel(acc, config, maxBatch);
        Checkpoint.Load(dir, model, withOptimizer: false);
        return model;
    }
}
