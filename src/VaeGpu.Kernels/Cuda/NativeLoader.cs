// Loads a native library from a list of candidate names or paths and resolves its exports into
// function pointers. We avoid DllImport resolvers on purpose: an assembly may register only one,
// and the OpenCL backend lives in the same assembly; explicit handles also let a probe say exactly
// which candidates were tried and why each failed.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cuda;

/// <summary>A loaded native library, or the reasons none of the candidates loaded.</summary>
internal sealed class NativeLoader
{
    private NativeLoader(IntPtr handle, string path, string? error)
    {
        Handle = handle;
        Path = path;
        Error = error;
    }

    /// <summary>The OS handle; zero when nothing loaded.</summary>
    public IntPtr Handle { get; }

    /// <summary>The candidate that loaded, or the list of candidates tried.</summary>
    public string Path { get; }

    /// <summary>Why nothing loaded (null on success).</summary>
    public string? Error { get; }

    /// <summary>True when a candidate loaded.</summary>
    public bool IsLoaded => Handle != IntPtr.Zero;

    /// <summary>
    /// Tries each candidate in order; a bare name uses the OS search, a path loads that file.
    /// </summary>
    public static NativeLoader Load(IReadOnlyList<string> candidates)
    {
        var failures = new List<string>();
        foreach (var candidate in candidates)
        {
            try
            {
                if (NativeLibrary.TryLoad(candidate, out var handle))
                    return new NativeLoader(handle, candidate, null);
                failures.Add(File.Exists(candidate) ? $"{candidate} (exists but did not load)" : candidate);
            }
            catch (BadImageFormatException e)
            {
                failures.Add($"{candidate} (not a loadable library: {e.Message})");
            }
        }
        return new NativeLoader(IntPtr.Zero, string.Join(", ", candidates),
            $"tried {string.Join("; ", failures)}");
    }

    /// <summary>The address of an export, or zero when the library lacks it.</summary>
    public IntPtr Export(string name) =>
        NativeLibrary.TryGetExport(Handle, name, out var address) ? address : IntPtr.Zero;

    /// <summary>
    /// The address of an export the caller cannot do without; records its absence in
    /// <paramref name="missing"/>.
    /// </summary>
    public IntPtr Require(string name, List<string> missing)
    {
        var address = Export(name);
        if (address == IntPtr.Zero) missing.Add(name);
        return address;
    }
}
