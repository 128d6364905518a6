// Every native block of the CPU backend (buffers, GEMM packs, conv scratch) comes from here: 64-byte
// aligned, from NativeMemory. With VAEGPU_GUARD_PAGES=1 in the environment (Linux; a debugging mode, not
// for training runs) each block instead gets pages of its own, ending right at an inaccessible page, and
// a freed block's pages are made inaccessible and never reused: a write past a block's end (beyond the
// up to 63 bytes of alignment slack) or into a freed block faults at the faulty instruction instead of
// corrupting the heap somewhere else. VAEGPU_GUARD_PAGES=front puts the inaccessible page right before
// each block instead, for writes before a block's start.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

internal static unsafe partial class CpuMemory
{
    /// <summary>The environment variable that turns the guard pages on ("1").</summary>
    public const string GuardVariable = "VAEGPU_GUARD_PAGES";

    private const int Alignment = 64;
    private const int ProtNone = 0, ProtReadWrite = 3, MapPrivateAnonymous = 0x22;
    private static readonly nuint PageSize = (nuint)Environment.SystemPageSize;
    private static readonly ConcurrentDictionary<nint, (nint Base, nuint Length)> Guarded = new();

    private static readonly string? Mode = Environment.GetEnvironmentVariable(GuardVariable);

    /// <summary>True when blocks are allocated next to guard pages.</summary>
    public static bool GuardPages { get; } = (Mode == "1" || Mode == "front") && OperatingSystem.IsLinux();

    /// <summary>True when the guard page comes before each block (VAEGPU_GUARD_PAGES=front).</summary>
    public static bool GuardFront { get; } = Mode == "front";

    /// <summary>A 64-byte aligned block of <paramref name="bytes"/> bytes (not cleared).</summary>
    public static void* Allocate(nuint bytes) =>
        GuardPages ? AllocateGuarded(bytes, GuardFront) : NativeMemory.AlignedAlloc(bytes, Alignment);

    /// <summary>Frees a block from <see cref="Allocate"/>; null is fine.</summary>
    public static void Free(void* block)
    {
        if (GuardPages) FreeGuarded(block);
        else NativeMemory.AlignedFree(block);
    }

    /// <summary>A block ending where an inaccessible page begins (its size rounded up to 64 bytes), or with
    /// <paramref name="front"/> starting where one ends.</summary>
    internal static void* AllocateGuarded(nuint bytes, bool front = false)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("guard pages need Linux");
        nuint rounded = (bytes + Alignment - 1) / Alignment * Alignment;
        nuint usable = (rounded + PageSize - 1) / PageSize * PageSize;
        nint mapping = Mmap(0, usable + PageSize, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (mapping == -1) throw new OutOfMemoryException($"mmap of {usable + PageSize} bytes failed");
        if (Mprotect(front ? mapping : mapping + (nint)usable, PageSize, ProtNone) != 0)
            throw new InvalidOperationException("mprotect of a guard page failed");
        // Ends where the guard page starts, or starts where it ends.
        nint block = front ? mapping + (nint)PageSize : mapping + (nint)(usable - rounded);
        Guarded[block] = (mapping, usable + PageSize);
        return (void*)block;
    }

    /// <summary>Makes a guarded block inaccessible for good; null is fine.</summary>
    internal static void FreeGuarded(void* block)
    {
        if (block == null) return;
        if (!Guarded.TryRemove((nint)block, out var mapping))
            throw new InvalidOperationException($"0x{(nint)block:x} is not a guarded block (double free?)");
        // Kept mapped but inaccessible: a later use of the freed block faults.
        if (Mprotect(mapping.Base, mapping.Length, ProtNone) != 0)
            throw new InvalidOperationException("mprotect of a freed block failed");
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd,
        nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);
}
