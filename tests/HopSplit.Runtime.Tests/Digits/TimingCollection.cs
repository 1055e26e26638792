namespace HopSplit.Runtime.Tests.Digits;

/// <summary>
/// Tests that run alone, after the parallel ones: timings, so other tests do not share the cores they
/// measure, and seeded training, so no other test draws from libtorch's global generator meanwhile.
/// </summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;
