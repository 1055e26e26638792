namespace HopSplit.Planning.Solver;

/// <summary>
/// The trial cutoffs of one tracked search, from just above a lower bound up to the upper bound.
/// A search below a cutoff holds only the states that could finish below it, and its cost grows
/// with the cutoff; the optimum is usually much closer to the lower bound than the upper bound is.
/// So the search first tries a cutoff a little above the lower bound, and each time it finds
/// nothing (which proves the cutoff a lower bound) it widens the step fourfold: the wasted searches
/// cost a fraction of the last one, and the last one holds far fewer states than a search below
/// the upper bound would.
/// </summary>
internal struct CutoffWidening
{
    /// <summary>The first step, relative to the lower bound.</summary>
    private const double FirstStep = 0.3;

    /// <summary>
    /// The first step when the lower bound is the ng-route bound or one proven from it: such bounds lie
    /// within a few percent of the optimum, where a 30% trial held 1.6 times the states (random mesh
    /// 200 x 64) and the states grow steeply with the cutoff. The plain bound of the edge hierarchy is
    /// further off: there a 5% start only adds failed trials.
    /// </summary>
    public const double TightFirstStep = 0.05;

    /// <summary>How much each step grows.</summary>
    private const double Growth = 4;

    private readonly double _floor;
    private readonly double _upper;
    private double _step;

    public CutoffWidening(double lowerBound, double upperBound, double firstStep = FirstStep)
    {
        _floor = lowerBound;
        _upper = upperBound;
        // No lower bound to start from, none below the upper bound, or no upper bound (then no cost-to-go
        // is computed either, so no cutoff can be applied): go straight to the upper bound.
        _step = lowerBound > 0 && lowerBound < upperBound && !double.IsPositiveInfinity(upperBound)
            ? firstStep * lowerBound
            : double.PositiveInfinity;
    }

    /// <summary>The cutoff to search below now.</summary>
    public readonly double Current => Math.Min(_upper, _floor + _step);

    /// <summary>True when the current cutoff is the upper bound: finding nothing below it settles the search.</summary>
    public readonly bool AtUpperBound => !(Current < _upper);

    public void Widen() => _step *= Growth;
}
