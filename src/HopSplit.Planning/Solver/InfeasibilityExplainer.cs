using System.Globalization;
using HopSplit.Planning.Costs;

namespace HopSplit.Planning.Solver;

/// <summary>Says why no plan exists: which node, which layers, how many bytes short.</summary>
public static class InfeasibilityExplainer
{
    public static string Explain(PlanningProblem problem)
    {
        var network = problem.Network;
        var model = problem.Model;
        var source = network.Nodes[network.SourceIndex];
        var lastLayer = problem.LayerCount - 1;
        if (!problem.CanCompute(network.SourceIndex))
            return $"the source '{source.Id}' has flops 0 (a relay), but the first layer '{model.Layers[0].Name}' must run where the data is: give it flops > 0";

        var reachable = network.FewestHopTree().Reached;
        if (network.SinkIndex >= 0)
        {
            var sink = network.Nodes[network.SinkIndex];
            if (!problem.CanCompute(network.SinkIndex))
                return $"the sink '{sink.Id}' has flops 0 (a relay), but the last layer '{model.Layers[lastLayer].Name}' must run there: give it flops > 0";
            if (!reachable[network.SinkIndex])
                return $"the sink '{sink.Id}' cannot be reached from the source '{source.Id}': add a link on the way";
        }

        var first = Shortfall(problem, network.SourceIndex, 0, 0);
        if (first is not null) return first + " (the first layer always runs on the source)";
        if (network.SinkIndex >= 0)
        {
            var last = Shortfall(problem, network.SinkIndex, lastLayer, lastLayer);
            if (last is not null) return last + " (the last layer must run on the sink)";
        }

        for (var layer = 0; layer < problem.LayerCount; layer++)
        {
            var candidates = Enumerable.Range(0, problem.NodeCount).Where(n => reachable[n] && problem.CanCompute(n)).ToList();
            if (candidates.Any(n => problem.Fits(n, layer, layer))) continue;
            var roomiest = candidates.OrderByDescending(n => network.Nodes[n].MemoryBytes).First();
            return Shortfall(problem, roomiest, layer, layer)! + "; no reachable node has more memory";
        }

        var whole = problem.MemoryBytes(0, lastLayer);
        var total = Enumerable.Range(0, problem.NodeCount).Where(n => reachable[n] && problem.CanCompute(n)).Sum(n => network.Nodes[n].MemoryBytes);
        return $"every layer fits somewhere, but no route from '{source.Id}' passes nodes with enough memory for consecutive segments: " +
               $"the model needs at least {Bytes(whole)} with batch {problem.BatchSize} and optimizer factor {problem.Job.StateFactor.ToString(CultureInfo.InvariantCulture)}, " +
               $"the reachable compute nodes hold {Bytes(total)} in all; add memory, a node, or lower the batch size";
    }

    private static string? Shortfall(PlanningProblem problem, int node, int first, int last)
    {
        var device = problem.Network.Nodes[node];
        var need = problem.MemoryBytes(first, last);
        if (need <= device.MemoryBytes) return null;
        var layers = first == last
            ? $"layer {first} '{problem.Model.Layers[first].Name}'"
            : $"layers {first}..{last}";
        return $"node '{device.Id}' needs {Bytes(need)} for {layers} but has {Bytes(device.MemoryBytes)}: {Bytes(need - device.MemoryBytes)} short";
    }

    internal static string Bytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
}
