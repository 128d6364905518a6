// A switch for timing a change to the CPU backend against the code before it inside one process: the
// change reads Variant where its versions differ, and the benchmarks' `step-ab` flips it every few
// training steps. On this shared machine, whose speed drifts by a quarter (at times by half) within
// minutes, separate runs compare the drift; interleaved blocks of steps compare the code. Code on main
// never reads it (an experiment that is kept loses its switch), so it stays 0.
namespace VaeGpu.Kernels.Cpu;

/// <summary>The variant of an experiment under way (0 on every real run).</summary>
internal static class CpuExperiment
{
    /// <summary>Set by step-ab between steps; read by the variant's code.</summary>
    internal static volatile int Variant;
}
