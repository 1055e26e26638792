using HopSplit.Planning.Model;
using HopSplit.Planning.WhatIf;

namespace HopSplit.Planning.Tests.WhatIf;

public class WhatIfSweepTests
{
    [Fact]
    public void Log_factors_run_from_the_first_to_the_last_evenly_on_a_log_scale()
    {
        var factors = WhatIfSweep.LogFactors(0.01, 100, 5);
        Assert.Equal(5, factors.Count);
        Assert.Equal(0.01, factors[0], 12);
        Assert.Equal(1, factors[2], 12);
        Assert.Equal(100, factors[^1]);
        for (var i = 1; i < factors.Count; i++) Assert.Equal(10, factors[i] / factors[i - 1], 9);
        Assert.Throws<ArgumentException>(() => WhatIfSweep.LogFactors(0, 1, 3));
        Assert.Throws<ArgumentException>(() => WhatIfSweep.LogFactors(2, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => WhatIfSweep.LogFactors(1, 2, 1));
    }

    [Fact]
    public void A_slow_edge_link_moves_the_middle_segment_off_the_edge_node()
    {
        var problem = Examples.TinyOnCampus();
        var target = SweepTarget.Link(problem.Network, "edge", "ap"); // either direction of an undirected link

        var points = WhatIfSweep.Run(problem, target, [0.01, 1, 100], new PlannerOptions());

        // At the file's own bandwidth: MODEL.md's joint optimum.
        Assert.Equal(0.896752, points[1].Plan!.LatencySeconds, 6);
        Assert.Equal("phone[0..0] edge[1..1] cloud[2..3]", points[1].Segments);
        // At 10 Mbit/s the edge is not worth the hop: phone then cloud, and the sweep says the plan changed after it.
        Assert.Equal("phone[0..0] cloud[1..3]", points[0].Segments);
        Assert.False(points[0].PlanChanged);
        Assert.True(points[1].PlanChanged);
        Assert.False(points[2].PlanChanged);
        // The value swept is the link's bandwidth times the factor, and each point's sequential T is its own.
        Assert.Equal(problem.Network.Links[target.Index].BitsPerSecond * 100, points[2].Value);
        Assert.True(points[0].SequentialSeconds > points[1].SequentialSeconds);
        Assert.All(points, p => Assert.True(p.SequentialSeconds >= p.Plan!.LatencySeconds));
    }

    [Fact]
    public void A_node_speed_sweep_plans_on_the_scaled_node_and_reports_infeasible_points()
    {
        var problem = Examples.TinyOnCampus();
        var target = SweepTarget.Node(problem.Network, "cloud");
        var points = WhatIfSweep.Run(problem, target, [0.001, 1], new PlannerOptions());
        Assert.Equal(problem.Network.Nodes[target.Index].Flops * 0.001, points[0].Value);
        Assert.NotEqual(points[0].Segments, points[1].Segments);
        Assert.True(points[1].PlanChanged);

        // Speed never makes a plan fit: where the source cannot hold its first layer, every point says why.
        var tight = new Network(
            [new NetworkNode("s", 1e9, 10), new NetworkNode("t", 1e9, 1e12)],
            [new NetworkLink("s", "t", 1e8, 0)], source: "s");
        var tightProblem = new Costs.PlanningProblem(problem.Model, tight, new TrainingJob(8));
        var infeasible = WhatIfSweep.Run(tightProblem, SweepTarget.Node(tight, "t"), [1, 2], new PlannerOptions());
        Assert.All(infeasible, p => Assert.Null(p.Plan));
        Assert.All(infeasible, p => Assert.Contains("node 's' needs", p.Infeasible));
        Assert.False(infeasible[1].PlanChanged);
    }

    [Fact]
    public void Unknown_links_and_relay_nodes_are_refused_by_name()
    {
        var network = Examples.Campus;
        Assert.Contains("no link between 'phone' and 'cloud'", Assert.Throws<ArgumentException>(() => SweepTarget.Link(network, "phone", "cloud")).Message);
        Assert.Contains("no node 'gpu'", Assert.Throws<ArgumentException>(() => SweepTarget.Node(network, "gpu")).Message);
        Assert.Contains("node 'ap' is a relay", Assert.Throws<ArgumentException>(() => SweepTarget.Node(network, "ap")).Message);
    }
}
