// The runner's exit codes, shared by the services that decide them and the CLI that returns them.
namespace VaeGpu.Runner.Training;

/// <summary>Exit codes of the runner.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>A user error: bad option, missing or corrupt data, unusable output folder, absent
    /// backend.</summary>
    public const int UserError = 2;
    /// <summary>The loss became NaN or infinite.</summary>
    public const int Diverged = 3;
    /// <summary>Interrupted by Ctrl+C (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
