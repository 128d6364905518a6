// Counts of predicted classes over chunks of images, and the share of each class among all of them:
// the class shares that `eval`'s rarest class and the training's dropped-mode check compare.
namespace VaeGpu.Runner.Evaluation;

/// <summary>A running count per class of the predictions added so far.</summary>
internal sealed class ClassTally(int classes)
{
    private readonly long[] _counts = new long[classes];
    private long _total;

    /// <summary>Counts one chunk's predicted classes.</summary>
    public void Add(ReadOnlySpan<int> predicted)
    {
        foreach (int c in predicted) _counts[c]++;
        _total += predicted.Length;
    }

    /// <summary>Each class's share of every prediction added (sum 1).</summary>
    public double[] Shares() => _counts.Select(c => (double)c / _total).ToArray();
}
