// The one exception type for problems a user can cause with data: a missing, truncated or corrupt
// file, a checksum mismatch, a dataset that no source could provide. The message is user-facing:
// it names the file, says what was wrong and what was expected.
namespace VaeGpu.Runner.Data;

/// <summary>A dataset file is missing, malformed or unverified; the message says which and why.</summary>
public sealed class DataException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public DataException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and the low-level cause.</summary>
    public DataException(string message, Exception inner) : base(message, inner)
    {
    }
}
