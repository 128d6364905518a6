// An IProgress<T> that reports on the calling thread, so progress lines come out in order with the
// rest of a command's output (Progress<T> posts to the thread pool).
namespace VaeGpu.Runner.Training;

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread
/// pool).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
