// One USPS classifier, trained briefly (5 epochs, a few seconds on cpu) on first use and shared by the
// classifier and metrics tests of the "usps-classifier" collection; disposed with the collection.
using VaeGpu.Kernels.Cpu;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Evaluation;

public sealed class UspsClassifierFixture : IDisposable
{
    public const int Epochs = 5;
    private readonly Lazy<DigitClassifier> _classifier;

    public UspsClassifierFixture()
    {
        Accelerator = new CpuAccelerator();
        _classifier = new(() => DigitClassifier.Train(Accelerator, TestData.Usps,
            new ClassifierSettings { Epochs = Epochs, Seed = 5 }, null, CancellationToken.None));
    }

    public CpuAccelerator Accelerator { get; }

    /// <summary>The trained classifier (trains on first use; needs USPS).</summary>
    public DigitClassifier Classifier => _classifier.Value;

    public void Dispose()
    {
        if (_classifier.IsValueCreated) _classifier.Value.Dispose();
        Accelerator.Dispose();
    }
}

[CollectionDefinition("usps-classifier")]
public sealed class UspsClassifierCollection : ICollectionFixture<UspsClassifierFixture>;
