using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.WhatIf;

/// <summary>What a sweep varies: one link's bandwidth or one node's compute speed.</summary>
public enum SweptQuantity
{
    /// <summary>The link's bits per second.</summary>
    LinkBandwidth,

    /// <summary>The node's FLOP/s.</summary>
    NodeSpeed,
}

/// <summary>The quantity a sweep varies, on which link or node (an index into the network).</summary>
/// <param name="Quantity">Bandwidth of a link or speed of a node.</param>
/// <param name="Index">The link's or node's index in the network.</param>
public sealed record SweepTarget(SweptQuantity Quantity, int Index)
{
    /// <summary>Finds a link by its end nodes (either direction for an undirected link).</summary>
    /// <exception cref="ArgumentException">No such link; the message lists the links there are.</exception>
    public static SweepTarget Link(Network network, string from, string to)
    {
        for (var i = 0; i < network.Links.Count; i++)
        {
            var link = network.Links[i];
            if ((link.From == from && link.To == to) || (!link.Directed && link.From == to && link.To == from))
                return new SweepTarget(SweptQuantity.LinkBandwidth, i);
        }
        var links = string.Join(", ", network.Links.Select(l => $"{l.From}:{l.To}"));
        throw new ArgumentException($"the network has no link between '{from}' and '{to}' (its links: {links})");
    }

    /// <summary>Finds a computing node by id.</summary>
    /// <exception cref="ArgumentException">No such node, or it is a relay (which does not compute).</exception>
    public static SweepTarget Node(Network network, string id)
    {
        var index = network.IndexOf(id);
        if (index < 0)
            throw new ArgumentException($"the network has no node '{id}' (its nodes: {string.Join(", ", network.Nodes.Select(n => n.Id))})");
        if (network.Nodes[index].IsRelay)
            throw new ArgumentException($"node '{id}' is a relay (flops 0): it does not compute, so its speed cannot be swept; sweep a link instead");
        return new SweepTarget(SweptQuantity.NodeSpeed, index);
    }

    /// <summary>"link phone:ap" or "node edge".</summary>
    public string Describe(Network network) => Quantity == SweptQuantity.LinkBandwidth
        ? $"link {network.Links[Index].From}:{network.Links[Index].To} bandwidth"
        : $"node {network.Nodes[Index].Id} speed";

    /// <summary>The quantity's value in the unmodified network (bits per second or FLOP/s).</summary>
    public double BaseValue(Network network) => Quantity == SweptQuantity.LinkBandwidth
        ? network.Links[Index].BitsPerSecond
        : network.Nodes[Index].Flops;

    /// <summary>The network with the quantity multiplied by <paramref name="factor"/>.</summary>
    public Network Scaled(Network network, double factor)
    {
        var nodes = network.Nodes.ToArray();
        var links = network.Links.ToArray();
        if (Quantity == SweptQuantity.LinkBandwidth) links[Index] = links[Index] with { BitsPerSecond = links[Index].BitsPerSecond * factor };
        else nodes[Index] = nodes[Index] with { Flops = nodes[Index].Flops * factor };
        return new Network(nodes, links, network.Source, network.Sink);
    }
}

/// <summary>One point of a sweep: the factor, the plan found there (or why none fits) and whether it differs from the previous point's.</summary>
/// <param name="Factor">The multiplier applied to the swept quantity.</param>
/// <param name="Value">The swept quantity's value there (bits per second or FLOP/s).</param>
/// <param name="Plan">The plan, or null when no plan fits.</param>
/// <param name="SequentialSeconds">Sequential split learning's T there, or null when infeasible.</param>
/// <param name="PlanChanged">The split, placement, route or micro-batch size differs from the previous point's.</param>
/// <param name="Infeasible">Why no plan fits, or null.</param>
public sealed record SweepPoint(double Factor, double Value, Plan? Plan, double? SequentialSeconds, bool PlanChanged, string? Infeasible)
{
    /// <summary>The plan's segments as "node[first..last]" in path order, or "-" when infeasible.</summary>
    public string Segments => Plan is null ? "-" : string.Join(" ", Plan.Segments.Select(s => $"{s.Node}[{s.FirstLayer}..{s.LastLayer}]"));
}

/// <summary>
/// "What if this link were slower or that node faster?": plans the job again with one quantity scaled by
/// each factor and says where the optimal plan changes.
/// </summary>
public static class WhatIfSweep
{
    /// <summary><paramref name="count"/> factors spaced evenly on a log scale from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static IReadOnlyList<double> LogFactors(double from, double to, int count)
    {
        if (!(from > 0) || !(to > from)) throw new ArgumentException($"the factors must satisfy 0 < from < to, not {from} and {to}");
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "a sweep has at least 2 points");
        var step = Math.Log(to / from) / (count - 1);
        return Enumerable.Range(0, count).Select(i => i == count - 1 ? to : from * Math.Exp(step * i)).ToArray();
    }

    /// <summary>Plans the job at every factor, in order.</summary>
    public static IReadOnlyList<SweepPoint> Run(PlanningProblem problem, SweepTarget target, IReadOnlyList<double> factors, PlannerOptions options)
    {
        var points = new List<SweepPoint>(factors.Count);
        (PlanShape Shape, int MicroBatch)? previous = null;
        var baseValue = target.BaseValue(problem.Network);
        foreach (var factor in factors)
        {
            var scaled = new PlanningProblem(problem.Model, target.Scaled(problem.Network, factor), problem.Job);
            try
            {
                var plan = Planner.Plan(scaled, options);
                var sequential = Planner.Plan(scaled, new PlannerOptions(PlanningAlgorithm.Sequential));
                var current = (plan.Shape, plan.MicroBatchSize);
                var changed = previous is { } p && (!p.Shape.Equals(current.Shape) || p.MicroBatch != current.MicroBatchSize);
                points.Add(new SweepPoint(factor, baseValue * factor, plan, sequential.LatencySeconds, changed || (points.Count > 0 && previous is null), null));
                previous = current;
            }
            catch (InfeasiblePlanException e)
            {
                points.Add(new SweepPoint(factor, baseValue * factor, null, null, previous is not null, e.Message));
                previous = null;
            }
        }
        return points;
    }
}
