using System.Diagnostics;
using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>An optimal split and placement for one micro-batch size.</summary>
/// <param name="Shape">The path and segments.</param>
/// <param name="MicroBatchSize">b.</param>
/// <param name="Sum">sum of stage costs at b.</param>
/// <param name="Max">the bottleneck stage cost at b.</param>
/// <param name="Latency">T(P, b) with M = ceil(B / b).</param>
public sealed record MspResult(PlanShape Shape, int MicroBatchSize, double Sum, double Max, double Latency)
{
    /// <summary>A certified lower bound on the objective over every plan (equal to it when proven optimal).</summary>
    public double ObjectiveLowerBound { get; init; }

    /// <summary>The objective the solver minimized: sum + lambda * max (T when lambda = M - 1).</summary>
    public double Objective { get; init; }

    /// <summary>False only when the simple-path search hit its budget and could not rule out a better plan.</summary>
    public bool ProvenOptimal => ObjectiveLowerBound >= Objective;

    /// <summary>How far above the certified lower bound the plan may be, as a fraction (0 when proven optimal).</summary>
    public double OptimalityGap => ProvenOptimal || Objective <= 0 ? 0 : (Objective - ObjectiveLowerBound) / Objective;
}

/// <summary>What the solver did, accumulated over its calls; reported by benchmarks and plans.</summary>
public sealed class SolverStatistics
{
    /// <summary>Shortest-path subproblems (one threshold each) solved.</summary>
    public int ShortestPathRuns { get; internal set; }

    /// <summary>Times a shortest walk revisited a node, so that node was added to the search state and the subproblem solved again.</summary>
    public int RevisitRefinements { get; internal set; }

    /// <summary>Subproblems that needed more tracked nodes than the memory budget allows, solved by branch and bound instead.</summary>
    public int BranchAndBoundSearches { get; internal set; }

    /// <summary>Branch-and-bound searches that stopped at their budget without proving their plan best.</summary>
    public int UnprovenSubproblems { get; internal set; }

    /// <summary>States held by all shortest-path searches together: the work they did, independent of the machine.</summary>
    public long SearchStates { get; internal set; }

    /// <summary>Tracked searches that found nothing below a trial cutoff and were repeated with a larger one.</summary>
    public int CutoffWidenings { get; internal set; }

    /// <summary>ng-route bounds computed (thresholds whose tracked search was costly enough for the stronger bound).</summary>
    public int NgBoundSearches { get; internal set; }

    /// <summary>States the branch-and-bound searches expanded.</summary>
    public long BranchAndBoundStates { get; internal set; }

    /// <summary>Nodes that shortest walks revisited (by id), for the plan's notes: they are tracked in the search state.</summary>
    public SortedSet<string> RevisitedNodes { get; } = new(StringComparer.Ordinal);
}

/// <summary>One search the solver ran, for profiling: what it was, its threshold and cutoff, the states it held, its result and time.</summary>
internal readonly record struct SearchTrace(string Kind, double Limit, double Cutoff, int Tracked, long States, double Result, TimeSpan Elapsed);

/// <summary>
/// Optimal model splitting and placement for a fixed micro-batch size (MODEL.md section 7): the
/// bottleneck-aware shortest path. It minimizes sum(c) + lambda * max(c) over thresholds on the
/// bottleneck: the min-sum plan over edges below a threshold, scored with its own bottleneck m,
/// settles every threshold between m and that threshold at once (a plan with a bottleneck in that
/// range has at least the same sum), so only thresholds that are some plan's bottleneck are ever
/// solved. Ranges of thresholds are pruned with a lower bound: every plan in [low, high) costs at
/// least (the min-sum below high) + lambda * low; bisecting a range finds good incumbents early so
/// that bound prunes most of them. Exact over simple paths: nodes that a shortest walk revisits are
/// tracked in the search state until the walk is simple. Each threshold's search only looks for plans
/// that could still matter: below the best simple plan already known under that threshold and below
/// what its range may cost to beat the incumbent; the relaxed cost-to-go drops every other state.
/// </summary>
public sealed class MspSolver
{
    private readonly PlanningProblem _problem;
    private readonly LayeredPlanGraph _graph;
    private readonly SimplePlanSearch _simple;
    private readonly RelaxedCostToGo _toGo;
    private RelaxedCostToGo? _ngCostToGo; // built on first use: its 2^k memories per vertex take about 10 MB at 200 x 64
    private double[]? _reachArrival;      // per (level, node): the plain relaxation's cost from the source, to prune the ng bound
    private double[]? _reachDeparture;
    private readonly List<int> _tracked = new();
    private int _trackedFor; // the b the tracked nodes were learned at
    private readonly KnownPlans _known = new();
    private readonly SumLowerBounds _proven = new();
    private readonly SearchBudgets _budgets;
    private readonly Dictionary<int, double> _lowestBottleneck = new();

    public MspSolver(PlanningProblem problem) : this(problem, SearchBudgets.Default)
    {
    }

    /// <summary>A solver with other budgets: tests use small ones to drive every fallback.</summary>
    internal MspSolver(PlanningProblem problem, SearchBudgets budgets)
    {
        _problem = problem;
        _budgets = budgets;
        _graph = new LayeredPlanGraph(problem);
        _simple = new SimplePlanSearch(problem);
        _toGo = new RelaxedCostToGo(problem);
    }

    public PlanningProblem Problem => _problem;

    public SolverStatistics Statistics { get; } = new();

    /// <summary>When set, every search the solver runs is appended here (the benchmarks' profile mode reads it).</summary>
    internal List<SearchTrace>? Trace { get; set; }

    /// <summary>The plan minimizing T(P, b) for this b (lambda = M - 1), or null when no plan is feasible.</summary>
    public MspResult? Solve(int b) => SolveWeighted(b, _problem.MicroBatches(b) - 1);

    /// <summary>
    /// The plan minimizing T(P, b) among those with T below <paramref name="below"/>, or null when none
    /// beats it (or no plan is feasible). The exact joint mode passes its incumbent: every threshold
    /// range that cannot beat it is dropped before it is searched, so a b that cannot win costs little.
    /// </summary>
    public MspResult? SolveBelow(int b, double below) => SolveWeighted(b, _problem.MicroBatches(b) - 1, below);

    /// <summary>The plan minimizing sum(c) + lambda * max(c) at micro-batch size b.</summary>
    public MspResult? SolveWeighted(int b, double lambda) => SolveWeighted(b, lambda, double.PositiveInfinity);

    /// <summary>
    /// A lower bound on T(P, b) over every plan, cheap next to a solve: the relaxed min-sum (revisits
    /// allowed, no threshold) plus (M - 1) times the lowest possible bottleneck. Infinity when no
    /// plan is feasible.
    /// </summary>
    public double LatencyLowerBound(int b)
    {
        CheckMicroBatch(b);
        var lowestBottleneck = LowestBottleneckBound(b);
        if (double.IsPositiveInfinity(lowestBottleneck)) return double.PositiveInfinity;
        var started = Stopwatch.GetTimestamp();
        _toGo.Compute(b, double.PositiveInfinity);
        Statistics.SearchStates += _toGo.States;
        var bound = _toGo.FromSource + (_problem.MicroBatches(b) - 1) * lowestBottleneck;
        Trace?.Add(new SearchTrace("T bound", double.PositiveInfinity, double.PositiveInfinity, 0, _toGo.States, bound, Stopwatch.GetElapsedTime(started)));
        return bound;
    }

    private MspResult? SolveWeighted(int b, double lambda, double below)
    {
        CheckMicroBatch(b);
        // Nodes tracked for another b are forgotten: each b learns the few it needs, where keeping
        // them all made the exact joint mode search with 14 tracked nodes where 5 sufficed.
        if (b != _trackedFor) _tracked.Clear();
        _trackedFor = b;
        var lowestBottleneck = LowestBottleneckBound(b);
        if (double.IsPositiveInfinity(lowestBottleneck)) return null;

        MspResult? best = null;
        var bestObjective = below; // only plans below it are looked for
        var unsettledBound = double.PositiveInfinity; // bound over ranges a budgeted search left open
        void Consider(Subproblem found)
        {
            var objective = found.Sum + lambda * found.Max;
            if (!(objective < bestObjective)) return;
            bestObjective = objective;
            best = Result(found.Shape!, b, found.Sum, found.Max);
        }

        // Unresolved bottleneck ranges [Low, High) whose plans all cost at least SumBound.
        var open = new Stack<(double Low, double High, double SumBound)>();
        open.Push((lowestBottleneck, double.PositiveInfinity, 0));
        while (open.TryPop(out var range))
        {
            if (!(range.SumBound + lambda * range.Low < bestObjective)) continue;
            // Only plans with a sum below this can beat the incumbent from inside the range.
            var cutoff = bestObjective - lambda * range.Low;
            // Staircase step: the min-sum plan below High settles [its bottleneck, High).
            var top = MinSum(b, range.High, cutoff);
            if (!top.Exact) unsettledBound = Math.Min(unsettledBound, top.SumLowerBound + lambda * range.Low);
            if (top.Shape is null) continue;
            Consider(top);
            if (lambda == 0 || top.Max < range.Low) continue;
            if (!(top.SumLowerBound + lambda * range.Low < bestObjective)) continue;

            // Bisection: a plan with a bottleneck at most halfway down finds good incumbents early,
            // so the bound above prunes whole ranges instead of stepping through every bottleneck.
            var middle = range.Low + (top.Max - range.Low) / 2;
            var low = MinSum(b, Math.BitIncrement(middle), bestObjective - lambda * range.Low);
            open.Push((Math.BitIncrement(middle), top.Max, top.SumLowerBound));
            if (!low.Exact) unsettledBound = Math.Min(unsettledBound, low.SumLowerBound + lambda * range.Low);
            if (low.Shape is null) continue;
            Consider(low);
            open.Push((range.Low, low.Max, low.SumLowerBound));
        }
        if (best is null && double.IsPositiveInfinity(below) && !double.IsPositiveInfinity(unsettledBound))
        {
            // Budgeted searches found no plan but did not prove that none exists: find one.
            _toGo.Compute(b, double.PositiveInfinity);
            if (_simple.AnyPlan(b, double.PositiveInfinity, _toGo) is { } shape) Consider(Found(shape, double.PositiveInfinity, b, exact: false, 0));
        }
        return best is null ? null : best with { Objective = bestObjective, ObjectiveLowerBound = Math.Min(bestObjective, unsettledBound) };
    }

    /// <summary>The plan with the smallest bottleneck stage at b, ties broken by the smallest sum.</summary>
    public MspResult? SolveBottleneck(int b)
    {
        CheckMicroBatch(b);
        var threshold = _graph.Solve(b, double.PositiveInfinity, LayeredPlanGraph.PathMeasure.Max, [], out _);
        if (double.IsPositiveInfinity(threshold)) return null;
        double[]? costs = null;
        while (true)
        {
            // cost < next-double(threshold) keeps exactly the edges with cost <= threshold.
            var found = MinSum(b, Math.BitIncrement(threshold), double.PositiveInfinity);
            if (found.Shape is not null) return Result(found.Shape, b, found.Sum, found.Max);
            // Only simple paths may exceed the relaxed bottleneck: try the next distinct stage cost.
            costs ??= DistinctStageCosts(b);
            var next = Array.BinarySearch(costs, Math.BitIncrement(threshold));
            if (next < 0) next = ~next;
            if (next >= costs.Length) return null;
            threshold = costs[next];
        }
    }

    /// <summary>
    /// A cheap lower bound on any plan's bottleneck, which bounds every threshold from below: each
    /// layer runs in some segment, which costs at least that layer alone on the cheapest node that
    /// can hold it; the first layer runs on the source and the last on the sink, if there is one.
    /// Infinity when some layer fits nowhere.
    /// </summary>
    private double LowestBottleneckBound(int b)
    {
        // The exact joint mode asks twice per b (for its bound and its solve); each costs layers x nodes stage costs.
        if (_lowestBottleneck.TryGetValue(b, out var known)) return known;
        var bound = ComputeLowestBottleneckBound(b);
        _lowestBottleneck[b] = bound;
        return bound;
    }

    private double ComputeLowestBottleneckBound(int b)
    {
        var network = _problem.Network;
        var bound = _problem.ComputeCost(network.SourceIndex, 0, 0, b);
        if (!_problem.Fits(network.SourceIndex, 0, 0)) return double.PositiveInfinity;
        for (var layer = 0; layer < _problem.LayerCount; layer++)
        {
            var cheapest = double.PositiveInfinity;
            for (var n = 0; n < _problem.NodeCount; n++)
            {
                if ((network.SinkIndex < 0 || layer < _problem.LayerCount - 1 || n == network.SinkIndex)
                    && _problem.CanCompute(n) && _problem.Fits(n, layer, layer))
                    cheapest = Math.Min(cheapest, _problem.ComputeCost(n, layer, layer, b));
            }
            bound = Math.Max(bound, cheapest);
        }
        return bound;
    }

    private MspResult Result(PlanShape shape, int b, double sum, double max) =>
        new(shape, b, sum, max, sum + (_problem.MicroBatches(b) - 1) * max);

    private void CheckMicroBatch(int b)
    {
        if (b < 1 || b > _problem.BatchSize)
            throw new ArgumentOutOfRangeException(nameof(b), b, $"the micro-batch size must be between 1 and the batch size {_problem.BatchSize}");
    }

    /// <summary>
    /// Min-sum simple plan over edges with cost &lt; limit whose sum is below <paramref name="cutoff"/>,
    /// with its sum and bottleneck; no plan (and the cutoff as the sum bound) when there is none.
    /// The best simple plan already found under this limit lowers the cutoff further, and is the
    /// answer when nothing beats it. Nodes that a shortest walk revisits join the tracked set (kept
    /// for later thresholds, where they tend to be revisited again) until the walk is simple. Past the
    /// state budget a budgeted branch and bound takes over; if it stops early, its certified bound is kept.
    /// </summary>
    private Subproblem MinSum(int b, double limit, double cutoff)
    {
        Statistics.ShortestPathRuns++;
        var found = SolveSubproblem(b, limit, cutoff);
        _proven.Add(b, limit, found.SumLowerBound);
        return found;
    }

    private Subproblem SolveSubproblem(int b, double limit, double cutoff)
    {
        var known = _known.BestBelow(b, limit);
        var upper = known is { } plan ? Math.Min(cutoff, plan.Sum) : cutoff;
        // Every simple plan below the limit costs at least this much.
        var sumBound = _proven.Below(b, limit);
        if (!(sumBound < upper)) return NothingBelow(upper, known);

        // The relaxation (revisits allowed) first: it is the cheapest search there is and bounds every
        // simple plan from below, and when its walk is already simple (loose thresholds rarely need
        // the nodes that tight ones track) it is the answer. It is searched backwards, as the
        // cost-to-go that the tracked search's cutoffs need anyway, and its walk followed forwards.
        // Not worth it when tracking is about as cheap.
        if (!TrackingIsCheap)
        {
            var started = Stopwatch.GetTimestamp();
            _toGo.Compute(b, limit);
            var relaxedSum = _toGo.FromSource;
            var relaxedWalk = _toGo.Walk();
            Statistics.SearchStates += _toGo.States;
            Trace?.Add(new SearchTrace("relaxed", limit, upper, 0, _toGo.States, relaxedSum, Stopwatch.GetElapsedTime(started)));
            if (relaxedWalk is null || !CostCutoff.IsBelow(relaxedSum, upper)) return NothingBelow(upper, known);
            if (relaxedWalk.IsSimple) return Found(relaxedWalk.ToShape(), relaxedSum, b, exact: true, relaxedSum);
            sumBound = Math.Max(sumBound, relaxedSum);

            // The walk revisits. Once the tracked search is costly, the ng-route relaxation pays: it
            // forbids the walk's cycles back to the fastest nodes, a stronger bound for this threshold
            // and a stronger cost-to-go for its cutoffs.
            if (NgBoundPays)
            {
                var ngWalk = NgBound(b, limit, upper);
                if (ngWalk is null || !CostCutoff.IsBelow(NgCostToGo.FromSource, upper)) return NothingBelow(upper, known);
                if (ngWalk.IsSimple) return Found(ngWalk.ToShape(), NgCostToGo.FromSource, b, exact: true, NgCostToGo.FromSource);
                sumBound = Math.Max(sumBound, NgCostToGo.FromSource);
            }
            if (_tracked.Count == 0 && !TryTrack(relaxedWalk)) return BranchAndBound(b, limit, upper, known, sumBound);
        }

        var widening = default(CutoffWidening);
        var wideningStarted = false;
        while (true)
        {
            // Small tracked sets are searched below the upper bound only (no cost-to-go, no trials):
            // their whole state space costs about what the bounds would.
            var trial = upper;
            var cut = CostCutoff.None;
            if (!TrackingIsCheap && !double.IsPositiveInfinity(upper))
            {
                if (!wideningStarted)
                {
                    var toGoStarted = Stopwatch.GetTimestamp();
                    _toGo.Compute(b, limit); // the cutoffs need it
                    Trace?.Add(new SearchTrace("cost-to-go", limit, upper, 0, 0, _toGo.FromSource, Stopwatch.GetElapsedTime(toGoStarted)));
                    // With the ng-route bound in force the lower bound is close: start just above it.
                    widening = NgBoundPays ? new CutoffWidening(sumBound, upper, CutoffWidening.TightFirstStep) : new CutoffWidening(sumBound, upper);
                    wideningStarted = true;
                }
                // Tracking may have grown past the point where the ng-route bound pays since the last search.
                if (NgBoundPays && NgBound(b, limit, upper) is not null) sumBound = Math.Max(sumBound, NgCostToGo.FromSource);
                trial = widening.Current;
                cut = Cutoff(trial);
            }
            var trackedStarted = Stopwatch.GetTimestamp();
            var sum = _graph.Solve(b, limit, LayeredPlanGraph.PathMeasure.Sum, _tracked, cut, _budgets.TrackedStates, out var walk);
            Statistics.SearchStates += _graph.StatesHeld;
            Trace?.Add(new SearchTrace("tracked", limit, trial, _tracked.Count, _graph.StatesHeld, sum, Stopwatch.GetElapsedTime(trackedStarted)));
            if (_graph.OverBudget) return BranchAndBound(b, limit, upper, known, sumBound);
            if (walk is null || !CostCutoff.IsBelow(sum, trial))
            {
                if (!(trial < upper)) return NothingBelow(upper, known);
                // Nothing below the trial cutoff: that is a lower bound now; look further up.
                sumBound = Math.Max(sumBound, trial);
                widening.Widen();
                Statistics.CutoffWidenings++;
                continue;
            }
            if (walk.IsSimple) return Found(walk.ToShape(), sum, b, exact: true, sum);

            // The walk is optimal over a relaxation of the simple plans: its sum bounds them all.
            sumBound = Math.Max(sumBound, sum);
            if (!TryTrack(walk)) return BranchAndBound(b, limit, upper, known, sumBound);
        }
    }

    /// <summary>
    /// At most two tracked nodes: the tracked state space is at most four times the untracked one,
    /// about what the untracked search, the cost-to-go and trial cutoffs would add to it.
    /// </summary>
    private bool TrackingIsCheap => _tracked.Count is > 0 and <= 2;

    /// <summary>Adds the nodes a walk revisits to the tracked set; false when the block table would outgrow its budget.</summary>
    private bool TryTrack(Walk walk)
    {
        var revisited = walk.RevisitedNodes();
        foreach (var node in revisited) Statistics.RevisitedNodes.Add(_problem.Network.Nodes[node].Id);
        if (_graph.BlocksFor(_tracked.Count + revisited.Count) > _budgets.BlockTable) return false;
        Statistics.RevisitRefinements++;
        _tracked.AddRange(revisited);
        return true;
    }

    /// <summary>The cutoff for searches below <paramref name="bound"/> (none when it is infinite); the cost-to-go must be computed.</summary>
    private CostCutoff Cutoff(double bound) =>
        double.IsPositiveInfinity(bound) ? CostCutoff.None : new CostCutoff(NgBoundPays ? NgCostToGo : _toGo, bound);

    /// <summary>
    /// The ng-route bound costs about 2^remembered relaxed searches; a tracked search may hold up to
    /// 2^tracked times the untracked states. It pays once tracking is that much costlier: on the edge
    /// hierarchy (at most 5 tracked nodes) it cost 10x the solve, on the random mesh (10 to 13) it
    /// saves most of it (docs/planner.md).
    /// </summary>
    private bool NgBoundPays => _budgets.NgNeighbours > 0 && _tracked.Count > _budgets.NgNeighbours + 1;

    private RelaxedCostToGo NgCostToGo => _ngCostToGo ??= new RelaxedCostToGo(_problem, _budgets.NgNeighbours);

    /// <summary>
    /// Computes the ng-route cost-to-go for this threshold (once) and returns its walk; null when no walk
    /// finishes below <paramref name="upper"/>. Only walks below it matter to the searches that read it
    /// (the cutoffs and the branch and bound never look above it), so the states that cannot lie on one
    /// are pruned: a forward search of the plain relaxation says what reaching each vertex costs at least.
    /// </summary>
    private Walk? NgBound(int b, double limit, double upper)
    {
        var started = Stopwatch.GetTimestamp();
        if (NgCostToGo.ComputedFor(b, limit, upper)) return NgCostToGo.Walk();
        if (!double.IsPositiveInfinity(upper))
        {
            _reachArrival ??= new double[(_problem.LayerCount + 1) * _problem.NodeCount];
            _reachDeparture ??= new double[_reachArrival.Length];
            _graph.ReachCosts(b, limit, _reachArrival, _reachDeparture);
            Statistics.SearchStates += _graph.StatesHeld;
        }
        NgCostToGo.Compute(b, limit, upper, _reachArrival, _reachDeparture);
        Statistics.SearchStates += NgCostToGo.States;
        Statistics.NgBoundSearches++;
        var walk = NgCostToGo.Walk();
        Trace?.Add(new SearchTrace("ng", limit, upper, 0, NgCostToGo.States, NgCostToGo.FromSource, Stopwatch.GetElapsedTime(started)));
        return walk;
    }

    /// <summary>The min-sum subproblem by branch and bound over simple paths, within its budget.</summary>
    private Subproblem BranchAndBound(int b, double limit, double upper, Subproblem? known, double relaxed)
    {
        Statistics.BranchAndBoundSearches++;
        var toGo = NgBoundPays ? NgCostToGo : _toGo;
        // The bound it prunes with (free when this threshold's is already computed).
        if (NgBoundPays) NgBound(b, limit, upper);
        else toGo.Compute(b, limit);
        var shape = _simple.Solve(b, limit, _budgets.BranchAndBoundStates, upper, toGo, out var sum);
        Statistics.BranchAndBoundStates += _simple.Expanded;
        var exact = !_simple.Exhausted;
        if (!exact) Statistics.UnprovenSubproblems++;
        // The relaxed walk's sum bounds every simple plan too; keep the stronger of the two bounds.
        var lowerBound = Math.Max(relaxed, _simple.LowerBound);
        if (shape is not null) return Found(shape, sum, b, exact, exact ? sum : lowerBound);
        if (exact) return NothingBelow(upper, known);
        return known is { } plan
            ? plan with { Exact = false, SumLowerBound = Math.Min(plan.Sum, lowerBound) }
            : new Subproblem(null, double.PositiveInfinity, 0, false, lowerBound);
    }

    /// <summary>
    /// The answer when no plan beats <paramref name="upper"/>: the known plan if it set that bound
    /// (it is then the optimum), otherwise no plan, with every plan costing at least the bound.
    /// </summary>
    private static Subproblem NothingBelow(double upper, Subproblem? known) =>
        known is { } plan && plan.Sum <= upper
            ? plan with { Exact = true, SumLowerBound = plan.Sum }
            : new Subproblem(null, double.PositiveInfinity, 0, true, upper);

    /// <summary>The subproblem's answer, with the plan's sum recomputed stage by stage so that it is exact.</summary>
    private Subproblem Found(PlanShape shape, double searchSum, int b, bool exact, double sumLowerBound)
    {
        double sum = 0, max = 0;
        foreach (var stage in shape.Stages())
        {
            var cost = stage.Time(_problem, b).Cost;
            sum += cost;
            max = Math.Max(max, cost);
        }
        // The search adds the same costs in another order: keep the bound no higher than the sum.
        var found = new Subproblem(shape, sum, max, exact, Math.Min(sumLowerBound, Math.Min(searchSum, sum)));
        _known.Add(b, found);
        return found;
    }

    /// <summary>How many distinct stage costs exist at b: the Dijkstra runs plain threshold enumeration would make.</summary>
    public int DistinctStageCostCount(int b) => DistinctStageCosts(b).Length;

    private double[] DistinctStageCosts(int b)
    {
        var costs = new List<double>();
        for (var n = 0; n < _problem.NodeCount; n++)
        {
            if (!_problem.CanCompute(n)) continue;
            for (var first = 0; first < _problem.LayerCount; first++)
            {
                for (var last = first; last < _problem.LayerCount && _problem.Fits(n, first, last); last++)
                    costs.Add(_problem.ComputeCost(n, first, last, b));
            }
        }
        for (var link = 0; link < _problem.Network.Links.Count; link++)
        {
            for (var cut = 0; cut < _problem.LayerCount - 1; cut++) costs.Add(_problem.LinkCost(link, cut, b));
        }
        return costs.Distinct().Order().ToArray();
    }
}
