namespace HopSplit.Distributed;

/// <summary>
/// Builds the user's model for a segment a coordinator assigns. The same seed must give the same initial
/// weights in every process (the coordinator sends one seed to every worker), e.g.
/// <c>seed =&gt; { torch.random.manual_seed(seed); return new DigitNet(); }</c>.
/// </summary>
public delegate ISplitModel SplitModelFactory(long seed);
