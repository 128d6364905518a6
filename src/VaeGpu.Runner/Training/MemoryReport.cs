// Opt-in memory log (VAEGPU_MEMORY_REPORT=1): at each named phase of a run, one stderr line with the
// process's resident and peak resident size, the managed heap's live and committed bytes and the
// GC counts, so "where the memory went" is measured rather than guessed (native memory, such as the
// CPU backend's buffers, is the rest of rss).
// Off (the default) it costs one cached bool test per phase; phases are per run, never per step.
using System.Diagnostics;
using System.Globalization;

namespace VaeGpu.Runner.Training;

/// <summary>Writes the process's memory figures at named phases when VAEGPU_MEMORY_REPORT is set.</summary>
public static class MemoryReport
{
    private static readonly bool Enabled =
        Environment.GetEnvironmentVariable("VAEGPU_MEMORY_REPORT") is { Length: > 0 } value && value != "0";

    /// <summary>Logs the figures at <paramref name="phase"/> when the report is on.</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        using var self = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {phase,-24} rss={Mb(self.WorkingSet64),6:F1} MB "
            + $"peak={Mb(self.PeakWorkingSet64),6:F1} MB managed={Mb(GC.GetTotalMemory(false)),6:F1} MB "
            + $"committed={Mb(gc.TotalCommittedBytes),6:F1} MB "
            + $"gcs={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
    }

    private static double Mb(long bytes) => bytes / 1e6;
}
