// [BackendFact] and [BackendTheory]: xunit 2 has no dynamic skip, so these attributes route
// discovery through test cases whose GetSkipReason asks BackendAvailability about the [Backend]
// attribute of the concrete test class. A skipped test shows the probe's reason in the runner.
using Xunit.Abstractions;
using Xunit.Sdk;

namespace VaeGpu.Tests.Support;

/// <summary>
/// A fact that is skipped, with the reason, when its class's [Backend] is absent on this machine.
/// </summary>
[XunitTestCaseDiscoverer("VaeGpu.Tests.Support.BackendFactDiscoverer", "VaeGpu.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BackendFactAttribute : FactAttribute;

/// <summary>
/// A theory that is skipped, with the reason, when its class's [Backend] is absent on this machine.
/// </summary>
[XunitTestCaseDiscoverer("VaeGpu.Tests.Support.BackendTheoryDiscoverer", "VaeGpu.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BackendTheoryAttribute : TheoryAttribute;

/// <summary>Creates <see cref="BackendTestCase"/>s for [BackendFact] methods.</summary>
public sealed class BackendFactDiscoverer(IMessageSink diagnosticMessageSink)
    : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc/>
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new BackendTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>
/// Creates backend-aware test cases for [BackendTheory] methods (per data row or per theory).
/// </summary>
public sealed class BackendTheoryDiscoverer(IMessageSink diagnosticMessageSink)
    : TheoryDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc/>
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        [new BackendTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];

    /// <inheritdoc/>
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForTheory(
        ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        [new BackendTheoryTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A fact (or one theory data row) that skips when its backend is absent.</summary>
public sealed class BackendTestCase : XunitTestCase
{
    /// <summary>For the deserializer only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization")]
    public BackendTestCase() { }

    /// <summary>Creates the test case.</summary>
    public BackendTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod,
            object[]? testMethodArguments = null)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod,
            testMethodArguments)
    {
    }

    /// <inheritdoc/>
    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        BackendAvailability.SkipReasonFor(TestMethod) ?? base.GetSkipReason(factAttribute);
}

/// <summary>A theory enumerated at run time that skips when its backend is absent.</summary>
public sealed class BackendTheoryTestCase : XunitTheoryTestCase
{
    /// <summary>For the deserializer only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization")]
    public BackendTheoryTestCase() { }

    /// <summary>Creates the test case.</summary>
    public BackendTheoryTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    /// <inheritdoc/>
    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        BackendAvailability.SkipReasonFor(TestMethod) ?? base.GetSkipReason(factAttribute);
}
