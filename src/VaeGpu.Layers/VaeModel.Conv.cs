// Building a model's layers from its ModelArchitecture (the conv models): the encoder is split at
// the point where a CVAE appends its label (front: convolutions to Flatten; back: the Linear), the
// decoder is one Sequential ending in the last ConvTranspose2d's logits (layers built by SpecLayers).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class VaeModel
{
    /// <summary>The model's layers as torch.nn specs (what config.json's "architecture" lists).</summary>
    public ModelArchitecture Architecture { get; }

    /// <summary>Every layer of the model in order (encoder, mu, logvar, decoder), for tests and
    /// tools.</summary>
    public IEnumerable<Layer> AllLayers =>
        [.. _encoderFront?.Layers ?? [], .. _encoder?.Layers ?? [], _muHead,
            .. _logvarHead is null ? [] : new Layer[] { _logvarHead }, .. _decoder.Layers];

    private static List<Layer> BuildLayers(Workspace ws, ParameterArena parameters,
        IReadOnlyList<LayerSpec> specs, int from, int to) =>
        SpecLayers.Build(ws, parameters, specs, from, to);

    /// <summary>Training mode for batch norm (training steps) or eval mode (evaluation, encode,
    /// decode); a loop over a few layers, no allocation.</summary>
    private void SetTraining(bool training)
    {
        if (!_hasBatchNorm) return;
        _encoderFront?.SetTraining(training);
        _encoder?.SetTraining(training);
        _decoder.SetTraining(training);
    }

    /// <summary>Initializes every parameter like PyTorch (see SpecLayers.InitializeParameters).</summary>
    private static void InitializeParameters(ParameterArena arena, ulong seed) =>
        SpecLayers.InitializeParameters(arena, seed);
}
