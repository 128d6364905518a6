// The exception every failed OpenCL call becomes: it names the call, the status constant and context.
using System.Runtime.CompilerServices;

namespace VaeGpu.Kernels.OpenCL;

/// <summary>An OpenCL entry point returned an error status.</summary>
public sealed class OpenCLException : Exception
{
    /// <summary>Creates the exception for <paramref name="status"/>.</summary>
    public OpenCLException(ClStatus status, string message) : base(message) => Status = status;

    /// <summary>The status the call returned.</summary>
    public ClStatus Status { get; }

    /// <summary>
    /// Throws when <paramref name="status"/> is not Success, naming the call and the code.
    /// </summary>
    public static void ThrowIfFailed(ClStatus status,
        [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != ClStatus.Success) Throw(status, call);
    }

    /// <summary>Like <see cref="ThrowIfFailed(ClStatus, string)"/>, with what was being done.</summary>
    public static void ThrowIfFailed(ClStatus status, string context,
        [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != ClStatus.Success) Throw(status, $"{call} ({context})");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(ClStatus status, string call) =>
        throw new OpenCLException(status, $"OpenCL call {call} failed with {ClStatusNames.Describe(status)}");
}
