// Which backend a test class runs on, and whether this machine has it. Tests marked [BackendFact] or
// [BackendTheory] in a class marked [Backend(kind)] are skipped, with the probe's reason, when the
// backend has no device here; they run normally when it does.
using VaeGpu.Kernels;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace VaeGpu.Tests.Support;

/// <summary>Marks a test class as exercising one backend; see <see cref="BackendFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class BackendAttribute(AcceleratorKind kind) : Attribute
{
    /// <summary>The backend the class needs.</summary>
    public AcceleratorKind Kind { get; } = kind;
}

/// <summary>Probes backends once per test run and says why one cannot run.</summary>
public static class BackendAvailability
{
    private static readonly Lazy<IReadOnlyList<BackendProbe>> Probes = new(Accelerators.Probe);

    /// <summary>
    /// Null when <paramref name="kind"/> has a device here; otherwise the reason it does not.
    /// </summary>
    public static string? UnavailableReason(AcceleratorKind kind)
    {
        var probe = Probes.Value.FirstOrDefault(p => p.Kind == kind);
        if (probe is null) return $"{kind}: Accelerators.Probe() does not report this backend";
        if (probe.Unavailable is not null) return $"{kind} backend unavailable: {probe.Unavailable}";
        if (probe.Devices.Count == 0) return $"{kind} backend has no devices on this machine";
        return null;
    }

    /// <summary>
    /// The skip reason for a test method: its class's [Backend] kind, if absent here; else null.
    /// </summary>
    public static string? SkipReasonFor(ITestMethod testMethod)
    {
        var kind = BackendOf(testMethod.TestClass.Class);
        return kind is null ? null : UnavailableReason(kind.Value);
    }

    private static AcceleratorKind? BackendOf(ITypeInfo type)
    {
        string name = typeof(BackendAttribute).AssemblyQualifiedName!;
        var attribute = type.GetCustomAttributes(name).FirstOrDefault();
        if (attribute is null) return null;
        if (attribute is IReflectionAttributeInfo { Attribute: BackendAttribute backend })
            return backend.Kind;
        // Non-reflection metadata hands enum arguments over as their underlying integers.
        return (AcceleratorKind)Convert.ToInt32(attribute.GetConstructorArguments().First());
    }
}
