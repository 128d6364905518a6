// Benchmark entry point: named quick modes first, everything else goes to BenchmarkDotNet.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gemm-table [threads]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gemm-backends [threads]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gemm-tune [TMxTNxTKxWMxWN ...]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- epoch-profile [reps] [threads] [data]
//     [vae|gan]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- launches [steps] [data] [models]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- fusion-times [reps]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- step-ab [A] [B] [steps] [block]
//     [data] [threads]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- gan-drift [data] [opencl|cpu-ulp|cpu-lr]
//     [limit] [epochs]
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- --filter '*Gemm*'
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- conv-table [threads] [cpu]
// OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE at load; for a fair baseline run either
// mode under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`, or, where OpenBLAS falls back to its SSE3
// kernel on a CPU it does not know (the programs warn), with the OPENBLAS_CORETYPE the warning names.
using BenchmarkDotNet.Running;
using VaeGpu.Benchmarks.Gemm;
using VaeGpu.Benchmarks.Profile;

var modes = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["gemm-table"] = GemmTable.Run,
    ["gemm-backends"] = GemmBackends.Run,
    ["gemm-tune"] = GemmTune.Run,
    ["conv-table"] = VaeGpu.Benchmarks.Conv.ConvTable.Run,
    ["epoch-profile"] = EpochProfile.Run,
    ["launches"] = LaunchCount.Run,
    ["fusion-times"] = FusionTimes.Run,
    ["step-ab"] = StepAb.Run,
    ["gan-drift"] = VaeGpu.Benchmarks.Drift.GanDrift.Run,
};

if (args.Length > 0 && modes.TryGetValue(args[0], out var mode)) return mode(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(GemmTable).Assembly).Run(args);
return 0;
