// NVRTC, CUDA's runtime compiler (libnvrtc.so.* / nvrtc64_*.dll), hand-bound like CuApi. NVRTC ships
// with the toolkit, not the driver, so it is searched for: CUDA_PATH/CUDA_HOME, LD_LIBRARY_PATH, the
// usual install folders (newest version first), then the OS search; the probe lists what was tried.
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace VaeGpu.Kernels.Cuda;

/// <summary>Raw NVRTC entry points and the library search.</summary>
internal static unsafe partial class NvrtcApi
{
    private static readonly Lazy<string?> LoadResult = new(LoadCore, LazyThreadSafetyMode.ExecutionAndPublication);

    private static delegate* unmanaged<int*, int*, NvrtcResult> s_version;
    private static delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, NvrtcResult> s_createProgram;
    private static delegate* unmanaged<IntPtr, int, byte**, NvrtcResult> s_compileProgram;
    private static delegate* unmanaged<IntPtr, nuint*, NvrtcResult> s_getPtxSize;
    private static delegate* unmanaged<IntPtr, byte*, NvrtcResult> s_getPtx;
    private static delegate* unmanaged<IntPtr, nuint*, NvrtcResult> s_getProgramLogSize;
    private static delegate* unmanaged<IntPtr, byte*, NvrtcResult> s_getProgramLog;
    private static delegate* unmanaged<IntPtr*, NvrtcResult> s_destroyProgram;
    private static delegate* unmanaged<int*, NvrtcResult> s_getNumSupportedArchs;
    private static delegate* unmanaged<int*, NvrtcResult> s_getSupportedArchs;

    /// <summary>The library file that loaded (valid after a successful <see cref="Load"/>).</summary>
    public static string LibraryPath { get; private set; } = "";

    /// <summary>Loads NVRTC once; returns null on success or why it could not be used.</summary>
    public static string? Load() => LoadResult.Value;

    private static string? LoadCore()
    {
        var candidates = Candidates(Environment.GetEnvironmentVariable);
        var lib = NativeLoader.Load(candidates);
        if (!lib.IsLoaded)
            return $"no NVRTC (the CUDA runtime compiler, libnvrtc.so.*) found; {lib.Error}. "
                + "Install the CUDA toolkit's NVRTC or add its folder to LD_LIBRARY_PATH";
        var missing = new List<string>();
        s_version = (delegate* unmanaged<int*, int*, NvrtcResult>)lib.Require("nvrtcVersion", missing);
        s_createProgram = (delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, NvrtcResult>)
            lib.Require("nvrtcCreateProgram", missing);
        s_compileProgram = (delegate* unmanaged<IntPtr, int, byte**, NvrtcResult>)
            lib.Require("nvrtcCompileProgram", missing);
        s_getPtxSize = (delegate* unmanaged<IntPtr, nuint*, NvrtcResult>)lib.Require("nvrtcGetPTXSize", missing);
        s_getPtx = (delegate* unmanaged<IntPtr, byte*, NvrtcResult>)lib.Require("nvrtcGetPTX", missing);
        s_getProgramLogSize = (delegate* unmanaged<IntPtr, nuint*, NvrtcResult>)
            lib.Require("nvrtcGetProgramLogSize", missing);
        s_getProgramLog = (delegate* unmanaged<IntPtr, byte*, NvrtcResult>)lib.Require("nvrtcGetProgramLog", missing);
        s_destroyProgram = (delegate* unmanaged<IntPtr*, NvrtcResult>)lib.Require("nvrtcDestroyProgram", missing);
        // Optional (NVRTC 11.2+): lets us clamp the target to the newest architecture NVRTC knows.
        s_getNumSupportedArchs = (delegate* unmanaged<int*, NvrtcResult>)lib.Export("nvrtcGetNumSupportedArchs");
        s_getSupportedArchs = (delegate* unmanaged<int*, NvrtcResult>)lib.Export("nvrtcGetSupportedArchs");
        if (missing.Count > 0) return $"NVRTC at {lib.Path} lacks {string.Join(", ", missing)}";
        LibraryPath = lib.Path;
        return null;
    }

    /// <summary>
    /// Library files to try, in order: every libnvrtc.so* (not the -builtins helper) in CUDA_PATH,
    /// CUDA_HOME, LD_LIBRARY_PATH and the usual install folders, newest version first, then bare names.
    /// </summary>
    internal static List<string> Candidates(Func<string, string?> environment)
    {
        var folders = new List<string>();
        foreach (var root in new[] { environment("CUDA_PATH"), environment("CUDA_HOME") })
        {
            if (string.IsNullOrEmpty(root)) continue;
            folders.Add(System.IO.Path.Combine(root, "lib64"));
            folders.Add(System.IO.Path.Combine(root, "lib"));
            folders.Add(System.IO.Path.Combine(root, "bin"));
        }
        var separator = OperatingSystem.IsWindows() ? ';' : ':';
        foreach (var entry in (environment("LD_LIBRARY_PATH") ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries))
            folders.Add(entry);
        if (!OperatingSystem.IsWindows())
        {
            folders.Add("/usr/local/cuda/lib64");
            folders.Add("/usr/local/cuda/targets/x86_64-linux/lib");
            folders.AddRange(VersionedCudaFolders("/usr/local"));
            folders.Add("/opt/cuda/lib64");
            folders.Add("/usr/lib/x86_64-linux-gnu");
            folders.Add("/usr/lib64");
            folders.Add("/usr/lib/wsl/lib");
        }

        var result = new List<string>();
        foreach (var folder in folders.Distinct())
            result.AddRange(LibrariesIn(folder));
        result.AddRange(OperatingSystem.IsWindows() ? ["nvrtc64_120_0.dll", "nvrtc64_112_0.dll"] : ["libnvrtc.so"]);
        return result.Distinct().ToList();
    }

    private static IEnumerable<string> VersionedCudaFolders(string root)
    {
        string[] dirs;
        try { dirs = Directory.Exists(root) ? Directory.GetDirectories(root, "cuda-*") : []; }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
        return dirs.OrderByDescending(VersionKey, Comparer<long>.Default)
            .Select(d => System.IO.Path.Combine(d, "lib64"));
    }

    private static IEnumerable<string> LibrariesIn(string folder)
    {
        string[] files;
        try
        {
            if (!Directory.Exists(folder)) return [];
            files = Directory.GetFiles(folder, OperatingSystem.IsWindows() ? "nvrtc64_*.dll" : "libnvrtc.so*");
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
        return files.Where(f => !System.IO.Path.GetFileName(f).Contains("builtins", StringComparison.Ordinal))
            .OrderByDescending(VersionKey, Comparer<long>.Default);
    }

    /// <summary>Sort key from the first three numbers in a name: libnvrtc.so.12.4.99 beats libnvrtc.so.11.8.</summary>
    internal static long VersionKey(string path)
    {
        var numbers = VersionNumbers().Matches(System.IO.Path.GetFileName(path));
        long key = 0;
        for (int i = 0; i < 3; i++)
            key = key * 100_000 + (i < numbers.Count ? Math.Min(long.Parse(numbers[i].Value), 99_999) : 0);
        return key;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex VersionNumbers();

    public static NvrtcResult nvrtcVersion(out int major, out int minor)
    {
        int a, b; var r = s_version(&a, &b); major = a; minor = b; return r;
    }
    public static NvrtcResult nvrtcCreateProgram(out IntPtr program, byte* source, byte* name)
    {
        IntPtr p; var r = s_createProgram(&p, source, name, 0, null, null); program = p; return r;
    }
    public static NvrtcResult nvrtcCompileProgram(IntPtr program, int optionCount, byte** options) =>
        s_compileProgram(program, optionCount, options);
    public static NvrtcResult nvrtcGetPTXSize(IntPtr program, out nuint size)
    {
        nuint s; var r = s_getPtxSize(program, &s); size = s; return r;
    }
    public static NvrtcResult nvrtcGetPTX(IntPtr program, byte* ptx) => s_getPtx(program, ptx);
    public static NvrtcResult nvrtcGetProgramLogSize(IntPtr program, out nuint size)
    {
        nuint s; var r = s_getProgramLogSize(program, &s); size = s; return r;
    }
    public static NvrtcResult nvrtcGetProgramLog(IntPtr program, byte* log) => s_getProgramLog(program, log);
    public static NvrtcResult nvrtcDestroyProgram(ref IntPtr program)
    {
        IntPtr p = program; var r = s_destroyProgram(&p); program = p; return r;
    }

    /// <summary>The virtual architectures NVRTC can target (e.g. 50, 52, ..., 90), or null when it cannot say.</summary>
    public static int[]? SupportedArchitectures()
    {
        if (s_getNumSupportedArchs == null || s_getSupportedArchs == null) return null;
        int count;
        if (s_getNumSupportedArchs(&count) != NvrtcResult.NVRTC_SUCCESS || count <= 0) return null;
        var archs = new int[count];
        fixed (int* p = archs)
            if (s_getSupportedArchs(p) != NvrtcResult.NVRTC_SUCCESS) return null;
        return archs;
    }

    /// <summary>NVRTC's name for a status.</summary>
    public static string ErrorName(NvrtcResult result) =>
        Enum.IsDefined(result) ? result.ToString() : $"nvrtcResult {(int)result}";

    internal static string Utf8(byte* text) => Marshal.PtrToStringUTF8((IntPtr)text) ?? "";
}
