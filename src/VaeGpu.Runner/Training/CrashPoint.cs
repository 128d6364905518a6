// Crash injection for the resume tests: when $VAEGPU_CRASH_AT names a point ("started:0", "step:N" after
// the N-th optimizer step, "checkpoint:E" before and "committed:E" after epoch E's model file lands),
// the process kills itself with SIGKILL right there, as `kill -9` would at that instant. A timer in the
// test cannot hit a moment that lasts a millisecond; this can, and it costs one comparison when unset.
// "throw:N" instead throws an internal error (a stand-in for a bug) after the N-th optimizer step, and
// "throw:0" at the start of eval's, sample's or export's work on a run folder (a sweep's eval too).
using System.Diagnostics;
using System.Globalization;

namespace VaeGpu.Runner.Training;

/// <summary>Named points where a test may have the process kill itself.</summary>
internal static class CrashPoint
{
    /// <summary>The environment variable naming the point, "NAME:NUMBER".</summary>
    public const string Variable = "VAEGPU_CRASH_AT";

    /// <summary>The point names.</summary>
    public const string Started = "started", Step = "step", Checkpoint = "checkpoint",
        Committed = "committed", Throw = "throw", Command = "command";

    private static readonly (string Name, long Number)? Target = Parse(Environment.GetEnvironmentVariable(
        Variable));

    /// <summary>Kills the process (SIGKILL) when <paramref name="name"/>:<paramref name="number"/> is the
    /// requested point; does nothing otherwise.</summary>
    public static void Hit(string name, long number)
    {
        if (Target is not { } target || target.Number != number) return;
        if (ReferenceEquals(target.Name, Throw) && ReferenceEquals(name, Step))
            throw new InvalidOperationException(
                $"{Variable}: an injected internal error after step {number}");
        if (ReferenceEquals(target.Name, Throw) && ReferenceEquals(name, Command))
            throw new InvalidOperationException($"{Variable}: an injected internal error in a command");
        if (!ReferenceEquals(target.Name, name)) return;
        Console.Out.Flush();
        Console.Error.WriteLine($"{Variable}: killing the process at {name}:{number}");
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, long)? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        int colon = text.IndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        string? known = new[] { Started, Step, Checkpoint, Committed, Throw }.FirstOrDefault(n => n == name);
        return known is not null && colon > 0
            && long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? (known, n) : null;
    }
}
