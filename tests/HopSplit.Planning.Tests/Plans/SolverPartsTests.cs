using CsCheck;
using HopSplit.Planning.Baselines;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Solver;

namespace HopSplit.Planning.Tests.Plans;

/// <summary>The solver's building blocks, each against a plain reference, and the solver with budgets small enough to use every fallback.</summary>
public class SolverPartsTests
{
    [Fact]
    public void Sliding_windows_give_the_minimum_over_allowed_levels_like_a_plain_scan()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var windowCount = 1 + random.Next(6);
            var windows = new SlidingWindows(64);
            windows.Reset(windowCount);
            var pushed = Enumerable.Range(0, windowCount).Select(_ => new List<(int Level, double Value)>()).ToArray();
            var firstAllowed = new int[windowCount];
            for (var level = 0; level < 64; level++)
            {
                for (var w = 0; w < windowCount; w++)
                {
                    if (random.NextDouble() < 0.5) continue;
                    // Few distinct values, so ties (where the later candidate must win) are common.
                    var value = random.Next(8) * 0.5;
                    windows.Push(w, level, value);
                    pushed[w].Add((level, value));
                }
                for (var w = 0; w < windowCount; w++)
                {
                    firstAllowed[w] = Math.Min(level, firstAllowed[w] + random.Next(3));
                    var allowed = pushed[w].Where(p => p.Level >= firstAllowed[w]).ToList();
                    var found = windows.TryMinimum(w, firstAllowed[w], out var foundLevel, out var foundValue);
                    Assert.Equal(allowed.Count > 0, found);
                    if (!found) continue;
                    var best = allowed.Min(p => p.Value);
                    Assert.Equal(best, foundValue);
                    Assert.Equal(allowed.Last(p => p.Value == best).Level, foundLevel);
                }
                var expectedActive = Enumerable.Range(0, windowCount).Where(w => pushed[w].Any(p => p.Level >= firstAllowed[w]));
                Assert.Equal(expectedActive, windows.Active.Order());
            }
        }
    }

    [Fact]
    public void Sliding_windows_reject_levels_out_of_order_and_start_empty_after_a_reset()
    {
        var windows = new SlidingWindows(8);
        windows.Reset(2);
        windows.Push(1, 3, 1.0);
        Assert.Throws<ArgumentException>(() => windows.Push(1, 3, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => windows.Push(2, 4, 0.5));
        windows.Reset(2);
        Assert.Empty(windows.Active);
        Assert.False(windows.TryMinimum(1, 0, out _, out _));
    }

    [Fact]
    public void State_blocks_keep_one_slot_per_reached_block_and_forget_them_on_reset()
    {
        var blocks = new StateBlocks(nodes: 3);
        blocks.Reset(blockCount: 100);
        Assert.Equal(-1, blocks.SlotOf(42));
        var slots = new Dictionary<int, int>();
        // Enough blocks to make the arrays grow several times while holding values.
        foreach (var block in Enumerable.Range(0, 100).Reverse())
        {
            var slot = blocks.Reach(block);
            Assert.True(double.IsPositiveInfinity(blocks.Arrival[slot * 3 + 2]), "a new block starts unreached");
            blocks.Arrival[slot * 3 + 1] = block;
            blocks.Departure[slot * 3] = -block;
            slots.Add(block, slot);
        }
        Assert.Equal(100, slots.Values.Distinct().Count());
        Assert.Equal(300, blocks.States);
        foreach (var (block, slot) in slots)
        {
            Assert.Equal(slot, blocks.Reach(block));
            Assert.Equal(block, blocks.BlockOf(slot));
            Assert.Equal(block, blocks.Arrival[slot * 3 + 1]);
            Assert.Equal(-block, blocks.Departure[slot * 3]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => blocks.Reach(100));

        blocks.Reset(blockCount: 10);
        Assert.Equal(0, blocks.Slots);
        Assert.Equal(-1, blocks.SlotOf(7));
        var again = blocks.Reach(7);
        Assert.True(double.IsPositiveInfinity(blocks.Arrival[again * 3 + 1]));
        Assert.True(double.IsPositiveInfinity(blocks.Departure[again * 3]));
    }

    [Fact]
    public void Known_plans_offer_the_cheapest_plan_strictly_under_a_threshold_for_their_own_micro_batch_size()
    {
        var shape = new PlanShape([0], [], [new SegmentPlacement(0, 0, 0)]);
        var known = new KnownPlans();
        Assert.Null(known.BestBelow(4, double.PositiveInfinity));
        known.Add(4, new Subproblem(shape, Sum: 5, Max: 1, Exact: true, SumLowerBound: 5));
        known.Add(4, new Subproblem(shape, Sum: 3, Max: 2, Exact: true, SumLowerBound: 3));
        Assert.Equal(3, known.BestBelow(4, 2.5)!.Value.Sum);
        Assert.Equal(5, known.BestBelow(4, 2)!.Value.Sum); // a bottleneck equal to the threshold is not below it
        Assert.Null(known.BestBelow(4, 1));
        Assert.Null(known.BestBelow(8, 10));
        known.Add(8, new Subproblem(shape, Sum: 9, Max: 1, Exact: true, SumLowerBound: 9));
        Assert.Null(known.BestBelow(4, 10)); // plans of another b are forgotten
        Assert.Equal(9, known.BestBelow(8, 10)!.Value.Sum);
        Assert.Throws<ArgumentException>(() => known.Add(8, new Subproblem(null, 1, 1, true, 1)));
    }

    [Fact]
    public void Proven_sum_bounds_carry_over_to_smaller_thresholds_only()
    {
        var bounds = new SumLowerBounds();
        Assert.Equal(0, bounds.Below(4, 1.0));
        bounds.Add(4, limit: 2.0, bound: 5);
        bounds.Add(4, limit: 1.0, bound: 7);
        bounds.Add(4, limit: 3.0, bound: 4);
        Assert.Equal(7, bounds.Below(4, 0.5));  // all three thresholds are at least 0.5
        Assert.Equal(7, bounds.Below(4, 1.0));  // a threshold's own bound counts
        Assert.Equal(5, bounds.Below(4, 1.5));  // the bound below 1.0 says nothing about 1.5
        Assert.Equal(4, bounds.Below(4, 2.5));
        Assert.Equal(0, bounds.Below(4, 3.5));
        Assert.Equal(0, bounds.Below(8, 0.5));
        bounds.Add(8, limit: 1.0, bound: 1);
        Assert.Equal(0, bounds.Below(4, 0.5)); // bounds of another b are forgotten
        Assert.Equal(1, bounds.Below(8, 0.5));
    }

    [Fact]
    public void Cutoff_widening_starts_near_the_lower_bound_and_ends_at_the_upper_bound()
    {
        var widening = new CutoffWidening(lowerBound: 10, upperBound: 100);
        var trials = new List<double>();
        while (!widening.AtUpperBound)
        {
            trials.Add(widening.Current);
            widening.Widen();
        }
        Assert.Equal([13, 22, 58], trials.Select(t => Math.Round(t, 9)));
        Assert.Equal(100, widening.Current);

        Assert.True(new CutoffWidening(0, 100).AtUpperBound, "without a lower bound there is nothing to start from");
        Assert.Equal(100, new CutoffWidening(0, 100).Current);
        Assert.True(new CutoffWidening(100, 100).AtUpperBound);
        var unbounded = new CutoffWidening(10, double.PositiveInfinity);
        Assert.True(unbounded.AtUpperBound, "without an upper bound no cost-to-go is computed, so no cutoff can be tried");
        Assert.True(double.IsPositiveInfinity(unbounded.Current));
    }

    [Fact]
    public void Relaxed_cost_to_go_equals_the_untracked_search_and_never_exceeds_a_simple_plan()
    {
        RandomInstances.Gen(maxLayers: 10, maxNodes: 6, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var b = 1 + Math.Abs(instance.Seed % problem.BatchSize);
            var plans = new List<(double Sum, double Max)>();
            ExhaustivePlanner.Enumerate(problem, shape =>
            {
                var costs = shape.Stages().Select(s => s.Time(problem, b).Cost).ToList();
                plans.Add((costs.Sum(), costs.Max()));
            });
            // Thresholds at, just above and between plan bottlenecks, and none at all.
            var limits = plans.Select(p => p.Max).Concat(plans.Select(p => Math.BitIncrement(p.Max))).Order().Take(6)
                .Append(double.PositiveInfinity).ToList();
            var toGo = new RelaxedCostToGo(problem);
            var graph = new LayeredPlanGraph(problem);
            foreach (var limit in limits)
            {
                toGo.Compute(b, limit);
                var relaxed = graph.Solve(b, limit, LayeredPlanGraph.PathMeasure.Sum, [], out _);
                Assert.True(Math.Abs(relaxed - toGo.FromSource) <= 1e-9 * Math.Max(1, relaxed) || relaxed == toGo.FromSource,
                    $"backward {toGo.FromSource:R} and forward {relaxed:R} relaxed sums differ at limit {limit:R}\n{instance}");
                var simple = plans.Where(p => p.Max < limit).Select(p => p.Sum).DefaultIfEmpty(double.PositiveInfinity).Min();
                Assert.True(toGo.FromSource <= simple * (1 + 1e-12), $"bound {toGo.FromSource:R} above the best simple plan {simple:R}\n{instance}");
                AssertRelaxedWalk(problem, b, limit, toGo, instance);
            }
        }, iter: 500, threads: 1, seed: "00000Parts01");
    }

    /// <summary>
    /// The walk the cost-to-go follows forwards: none exactly when nothing finishes; otherwise it starts
    /// at the source, ends at the sink, covers every layer in order, moves over real links, and when it
    /// is simple it is a plan below the limit whose sum is the relaxed optimum.
    /// </summary>
    private static void AssertRelaxedWalk(PlanningProblem problem, int b, double limit, RelaxedCostToGo toGo, Instance instance)
    {
        var walk = toGo.Walk();
        Assert.Equal(double.IsPositiveInfinity(toGo.FromSource), walk is null);
        if (walk is null) return;
        var network = problem.Network;
        Assert.Equal(network.SourceIndex, walk.Nodes[0]);
        Assert.Equal(walk.Nodes.Count - 1, walk.Links.Count);
        for (var i = 0; i < walk.Links.Count; i++)
        {
            var link = network.Links[walk.Links[i]];
            var ends = new[] { network.IndexOf(link.From), network.IndexOf(link.To) };
            Assert.True(ends.Contains(walk.Nodes[i]) && ends.Contains(walk.Nodes[i + 1]), $"hop {i} of the walk is not over its link\n{instance}");
        }
        Assert.Equal(0, walk.Segments[0].FirstLayer);
        Assert.Equal(network.SourceIndex, walk.Segments[0].Node);
        Assert.Equal(problem.LayerCount - 1, walk.Segments[^1].LastLayer);
        for (var s = 1; s < walk.Segments.Count; s++) Assert.Equal(walk.Segments[s - 1].LastLayer + 1, walk.Segments[s].FirstLayer);
        if (network.SinkIndex >= 0) Assert.Equal(network.SinkIndex, walk.Nodes[^1]);
        if (!walk.IsSimple) return;
        var shape = walk.ToShape();
        SolverPropertyTests.AssertValidPlan(problem, shape, instance);
        var costs = shape.Stages().Select(stage => stage.Time(problem, b).Cost).ToList();
        Assert.True(costs.All(cost => cost < limit), $"a stage of the relaxed walk is not below the limit {limit:R}\n{instance}");
        Assert.True(Math.Abs(costs.Sum() - toGo.FromSource) <= 1e-9 * Math.Max(1, toGo.FromSource),
            $"the relaxed walk costs {costs.Sum():R}, its cost-to-go says {toGo.FromSource:R}\n{instance}");
    }

    [Fact]
    public void Level_cost_tables_agree_bit_for_bit_with_the_problem_for_every_b_and_segment()
    {
        RandomInstances.Gen(maxLayers: 10, maxNodes: 6, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var costs = new LevelCosts(problem);
            // Two sizes in turn: the tables must follow b, not keep the first one.
            foreach (var b in new[] { 1 + Math.Abs(instance.Seed % problem.BatchSize), problem.BatchSize, 1 })
            {
                costs.Prepare(b);
                for (var cut = 0; cut < problem.LayerCount - 1; cut++)
                {
                    var links = costs.LinkCosts(cut);
                    for (var link = 0; link < problem.Network.Links.Count; link++) Assert.Equal(problem.LinkCost(link, cut, b), links[link]);
                }
                for (var n = 0; n < problem.NodeCount; n++)
                {
                    for (var level = 0; level <= problem.LayerCount; level++) Assert.Equal(problem.PrefixWorkSeconds(n, level, b), costs.PrefixWork(n, level));
                    for (var first = 0; first < problem.LayerCount; first++)
                    for (var last = first; last < problem.LayerCount; last++)
                    {
                        // Limits at, just above and just below the segment's own cost, where one ulp decides.
                        var cost = problem.ComputeCost(n, first, last, b);
                        foreach (var limit in new[] { cost, Math.BitIncrement(cost), Math.BitDecrement(cost), double.PositiveInfinity })
                            Assert.True(problem.SegmentAllowed(n, first, last, b, limit) == costs.SegmentAllowed(n, first, last, limit),
                                $"node {n}, layers {first}..{last}, b = {b}, limit {limit:R}\n{instance}");
                    }
                }
            }
        }, iter: 300, threads: 1, seed: "00000Parts04");
    }

    [Fact]
    public void Indexed_heap_pops_in_key_order_like_a_sorted_list_with_decreased_keys()
    {
        var random = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var capacity = 1 + random.Next(40);
            var heap = new IndexedMinHeap(capacity);
            var keys = new Dictionary<int, double>();
            var operations = random.Next(120);
            for (var op = 0; op < operations; op++)
            {
                if (random.NextDouble() < 0.3 && keys.Count > 0)
                {
                    Assert.True(heap.TryPop(out var item, out var key));
                    var smallest = keys.Values.Min();
                    Assert.Equal(smallest, key);
                    Assert.Equal(smallest, keys[item]);
                    keys.Remove(item);
                    continue;
                }
                var next = random.Next(capacity);
                // Few distinct keys, so ties and keys that do not decrease are common.
                var value = random.Next(10) * 0.25;
                heap.InsertOrDecrease(next, value);
                keys[next] = keys.TryGetValue(next, out var old) ? Math.Min(old, value) : value;
                Assert.Equal(keys.Count, heap.Count);
            }
            var popped = new List<double>();
            while (heap.TryPop(out var item, out var key))
            {
                Assert.Equal(keys[item], key);
                Assert.True(keys.Remove(item), $"item {item} popped twice");
                popped.Add(key);
            }
            Assert.Empty(keys);
            Assert.Equal(popped.Order(), popped);
            heap.InsertOrDecrease(0, 1.0);
            heap.Clear();
            Assert.False(heap.TryPop(out _, out _));
            heap.InsertOrDecrease(0, 2.0); // cleared items may come back
            Assert.True(heap.TryPop(out var again, out var againKey) && again == 0 && againKey == 2.0);
        }
    }

    /// <summary>
    /// Solves seeded random instances (at a b drawn from each seed) with <paramref name="budgets"/> and asserts every
    /// plan is valid, proven optimal and as good as the exhaustive optimum; returns the sum of <paramref name="counted"/>
    /// over the solves, so a caller can check that the mechanism under test was exercised.
    /// </summary>
    internal static int ProvenOptimalOnRandomInstances(SearchBudgets budgets, int maxLayers, int maxNodes, int iter, string seed,
        Func<SolverStatistics, int> counted)
    {
        var total = 0;
        RandomInstances.Gen(maxLayers: maxLayers, maxNodes: maxNodes, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var b = 1 + Math.Abs(instance.Seed % problem.BatchSize);
            var solver = new MspSolver(problem, budgets);
            var solved = solver.Solve(b);
            var exhaustive = ExhaustivePlanner.Best(problem, b);
            Assert.Equal(exhaustive.Shape is null, solved is null);
            if (solved is null) return;
            total += counted(solver.Statistics);
            SolverPropertyTests.AssertValidPlan(problem, solved.Shape, instance);
            Assert.True(solved.ProvenOptimal, $"not proven optimal\n{instance}");
            Assert.True(Math.Abs(exhaustive.Latency - solved.Latency) <= 1e-9 * Math.Max(1, exhaustive.Latency),
                $"expected {exhaustive.Latency:R}, got {solved.Latency:R}\n{instance}");
        }, iter: iter, threads: 1, seed: seed);
        return total;
    }

    [Fact]
    public void Branch_and_bound_alone_is_exact_when_its_budget_suffices()
    {
        // No tracked search may hold a state: every threshold whose walk revisits a node goes to branch and bound.
        var budgets = new SearchBudgets(TrackedStates: 0, BlockTable: 1L << 22, BranchAndBoundStates: long.MaxValue);
        var searches = ProvenOptimalOnRandomInstances(budgets, maxLayers: 10, maxNodes: 6, iter: 1000, seed: "00000Parts02",
            statistics => statistics.BranchAndBoundSearches);
        Assert.True(searches > 100, $"only {searches} branch-and-bound searches: the budget should force many");
    }

    [Fact]
    public void A_search_stopped_by_its_budget_certifies_a_lower_bound_that_holds()
    {
        var unproven = 0;
        RandomInstances.Gen(maxLayers: 12, maxNodes: 7, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var b = 1 + Math.Abs(instance.Seed % problem.BatchSize);
            var budgets = new SearchBudgets(TrackedStates: 0, BlockTable: 1L << 22, BranchAndBoundStates: 1 + Math.Abs(instance.Seed % 40));
            var solved = new MspSolver(problem, budgets).Solve(b);
            var exhaustive = ExhaustivePlanner.Best(problem, b);
            Assert.True((solved is null) == (exhaustive.Shape is null), $"feasibility differs (solver {(solved is null ? "none" : "found")})\n{instance}");
            if (solved is null) return;
            SolverPropertyTests.AssertValidPlan(problem, solved.Shape, instance);
            Assert.True(Math.Abs(Objective.Latency(problem, solved.Shape, b) - solved.Latency) <= 1e-9 * solved.Latency, $"reported T\n{instance}");
            var tolerance = 1e-9 * Math.Max(1, exhaustive.Latency);
            Assert.True(solved.ObjectiveLowerBound <= exhaustive.Latency + tolerance,
                $"certified bound {solved.ObjectiveLowerBound:R} above the optimum {exhaustive.Latency:R}\n{instance}");
            Assert.True(solved.Latency >= exhaustive.Latency - tolerance, $"better than the optimum\n{instance}");
            if (solved.ProvenOptimal)
                Assert.True(solved.Latency <= exhaustive.Latency + tolerance, $"proven optimal but {solved.Latency:R} > {exhaustive.Latency:R}\n{instance}");
            else
                Interlocked.Increment(ref unproven);
        }, iter: 1000, threads: 1, seed: "00000Parts03");
        Assert.True(unproven > 0, "budgets this small should leave some instances unproven");
    }
}

/// <summary>The ng-route cost-to-go: a valid bound for every remainder of a simple plan, at least the plain relaxation, and its walk.</summary>
public class NgCostToGoTests
{
    [Fact]
    public void Ng_bound_lies_between_the_plain_relaxation_and_every_remainder_of_a_simple_plan()
    {
        var stronger = 0;
        RandomInstances.Gen(maxLayers: 10, maxNodes: 7, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var b = 1 + Math.Abs(instance.Seed % problem.BatchSize);
            var remembered = 1 + Math.Abs(instance.Seed / 7 % 4);
            var plans = new List<StageRef[]>();
            ExhaustivePlanner.Enumerate(problem, shape => plans.Add(shape.Stages().ToArray()));
            var costs = plans.Select(stages => stages.Select(s => s.Time(problem, b).Cost).ToArray()).ToList();
            var limits = costs.Select(c => Math.BitIncrement(c.Max())).Order().Take(4).Append(double.PositiveInfinity).ToList();
            var plain = new RelaxedCostToGo(problem);
            var ng = new RelaxedCostToGo(problem, remembered);
            var source = problem.Network.SourceIndex;
            foreach (var limit in limits)
            {
                plain.Compute(b, limit);
                ng.Compute(b, limit);
                Assert.True(ng.FromSource >= plain.FromSource * (1 - 1e-12) || double.IsPositiveInfinity(plain.FromSource),
                    $"ng bound {ng.FromSource:R} below the plain relaxation {plain.FromSource:R}\n{instance}");
                if (ng.FromSource > plain.FromSource * (1 + 1e-9)) stronger++;
                for (var p = 0; p < plans.Count; p++)
                {
                    if (!costs[p].All(c => c < limit)) continue;
                    AssertEveryRemainderBounded(problem, ng, plans[p], costs[p], source, instance);
                }
                NgWalkIsAWalk(problem, b, ng, instance);
            }
        }, iter: 400, threads: 1, seed: "0000NgCostT1");
        Assert.True(stronger > 10, $"the ng bound beat the plain relaxation only {stronger} times: the test would not notice it doing nothing");
    }

    /// <summary>
    /// At every arrival and departure along a simple plan, what is left of its cost is at least the ng
    /// cost-to-go there, reading the memories that avoid the remembered nodes the plan has visited.
    /// </summary>
    private static void AssertEveryRemainderBounded(PlanningProblem problem, RelaxedCostToGo ng, StageRef[] stages, double[] costs, int source, Instance instance)
    {
        var left = costs.Sum();
        var visited = ng.RememberedBit(source);
        Check(ng.ArrivalAvoiding(0, source, visited), "the start");
        for (var i = 0; i < stages.Length; i++)
        {
            left -= costs[i];
            var stage = stages[i];
            if (stage.IsLink)
            {
                visited |= ng.RememberedBit(stage.To);
                Check(ng.ArrivalAvoiding(stage.LastLayer + 1, stage.To, visited), $"the arrival at node {stage.To} after stage {i}");
            }
            else
            {
                Check(ng.DepartureAvoiding(stage.LastLayer + 1, stage.Node, visited), $"the departure from node {stage.Node} after stage {i}");
            }
        }

        void Check(double bound, string where) =>
            Assert.True(bound <= left + 1e-9 * Math.Max(1, left), $"ng cost-to-go {bound:R} above the {left:R} left of a simple plan at {where}\n{instance}");
    }

    private static void NgWalkIsAWalk(PlanningProblem problem, int b, RelaxedCostToGo ng, Instance instance)
    {
        var walk = ng.Walk();
        Assert.Equal(double.IsPositiveInfinity(ng.FromSource), walk is null);
        if (walk is null) return;
        Assert.Equal(problem.Network.SourceIndex, walk.Nodes[0]);
        Assert.Equal(problem.LayerCount - 1, walk.Segments[^1].LastLayer);
        for (var s = 1; s < walk.Segments.Count; s++) Assert.Equal(walk.Segments[s - 1].LastLayer + 1, walk.Segments[s].FirstLayer);
        if (!walk.IsSimple) return;
        // A simple ng walk is a plan whose cost is the bound: the solver takes it as the optimum.
        SolverPropertyTests.AssertValidPlan(problem, walk.ToShape(), instance);
        var sum = walk.ToShape().Stages().Sum(stage => stage.Time(problem, b).Cost);
        Assert.True(Math.Abs(sum - ng.FromSource) <= 1e-9 * Math.Max(1, sum), $"the ng walk costs {sum:R}, its bound says {ng.FromSource:R}\n{instance}");
    }

    [Fact]
    public void Pruned_ng_bound_is_exact_along_every_plan_below_its_bound()
    {
        var pruned = 0;
        RandomInstances.Gen(maxLayers: 10, maxNodes: 7, maxBatch: 32).Sample(instance =>
        {
            var problem = instance.Problem;
            var b = 1 + Math.Abs(instance.Seed % problem.BatchSize);
            var remembered = 1 + Math.Abs(instance.Seed / 7 % 4);
            var plans = new List<StageRef[]>();
            ExhaustivePlanner.Enumerate(problem, shape => plans.Add(shape.Stages().ToArray()));
            var costs = plans.Select(stages => stages.Select(s => s.Time(problem, b).Cost).ToArray()).ToList();
            if (costs.Count == 0) return;
            var sums = costs.Select(c => c.Sum()).Order().ToList();
            var limits = costs.Select(c => Math.BitIncrement(c.Max())).Distinct().Order().Take(3).Append(double.PositiveInfinity).ToList();
            var full = new RelaxedCostToGo(problem, remembered);
            var ng = new RelaxedCostToGo(problem, remembered);
            var graph = new LayeredPlanGraph(problem);
            var levels = (problem.LayerCount + 1) * problem.NodeCount;
            var reachArrival = new double[levels];
            var reachDeparture = new double[levels];
            var source = problem.Network.SourceIndex;
            foreach (var limit in limits)
            {
                // Below the cheapest plan, between plans, and above the dearest one.
                foreach (var below in new[] { sums[0], sums[sums.Count / 2], sums[^1] * 1.01 }.Distinct())
                {
                    full.Compute(b, limit);
                    graph.ReachCosts(b, limit, reachArrival, reachDeparture);
                    Assert.True(ng.Compute(b, limit, below, reachArrival, reachDeparture));
                    Assert.True(ng.ComputedFor(b, limit, below) && !ng.ComputedFor(b, limit, below * 2));
                    if (double.IsPositiveInfinity(ng.FromSource) && !double.IsPositiveInfinity(full.FromSource)) pruned++;
                    // Below the bound the pruned bound is the full one; at or above it, it says so.
                    if (full.FromSource < below) Assert.Equal(full.FromSource, ng.FromSource);
                    else Assert.True(ng.FromSource >= below, $"pruned bound {ng.FromSource:R} below {below:R} where the full one is {full.FromSource:R}\n{instance}");
                    for (var p = 0; p < plans.Count; p++)
                    {
                        if (!costs[p].All(c => c < limit) || !(costs[p].Sum() < below)) continue;
                        AssertEveryRemainderBounded(problem, ng, plans[p], costs[p], source, instance);
                        AssertSameAlongThePlan(full, ng, plans[p], source, instance);
                    }
                }
            }
        }, iter: 300, threads: 1, seed: "0000NgPrune1");
        Assert.True(pruned > 10, $"only {pruned} bounds pruned to nothing: the test would not notice pruning doing nothing");
    }

    /// <summary>Along a plan below the pruning bound, the pruned cost-to-go reads exactly the full one (for every avoided set).</summary>
    private static void AssertSameAlongThePlan(RelaxedCostToGo full, RelaxedCostToGo ng, StageRef[] stages, int source, Instance instance)
    {
        var visited = ng.RememberedBit(source);
        Same(full.ArrivalAvoiding(0, source, visited), ng.ArrivalAvoiding(0, source, visited), "the start");
        foreach (var stage in stages)
        {
            if (stage.IsLink)
            {
                visited |= ng.RememberedBit(stage.To);
                Same(full.ArrivalAvoiding(stage.LastLayer + 1, stage.To, visited), ng.ArrivalAvoiding(stage.LastLayer + 1, stage.To, visited), $"the arrival at node {stage.To}");
            }
            else
            {
                Same(full.DepartureAvoiding(stage.LastLayer + 1, stage.Node, visited), ng.DepartureAvoiding(stage.LastLayer + 1, stage.Node, visited), $"the departure from node {stage.Node}");
            }
        }

        void Same(double expected, double actual, string where) =>
            Assert.True(expected == actual, $"pruned cost-to-go {actual:R} differs from the full {expected:R} at {where} of a plan below the bound\n{instance}");
    }

    [Fact]
    public void Solver_using_the_ng_bound_early_matches_the_exhaustive_optimum()
    {
        // One remembered node makes the bound pay from 3 tracked nodes on, so small instances use it.
        var budgets = SearchBudgets.Default with { NgNeighbours = 1 };
        var used = SolverPartsTests.ProvenOptimalOnRandomInstances(budgets, maxLayers: 12, maxNodes: 7, iter: 2000, seed: "0000NgSolve1",
            statistics => statistics.NgBoundSearches);
        Assert.True(used > 20, $"only {used} ng bounds computed: the instances should need them");
    }
}
