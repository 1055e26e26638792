using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Baselines;

/// <summary>
/// Every plan of MODEL.md section 3, enumerated: all simple paths from the source, all ways to put
/// consecutive non-empty segments on their compute nodes. The reference the solver is tested
/// against, so it recomputes every cost from the layer list instead of the solver's prefix sums.
/// Exponential: for small instances only.
/// </summary>
public static class ExhaustivePlanner
{
    /// <summary>Calls <paramref name="visit"/> with every feasible plan (path, links and segments).</summary>
    public static void Enumerate(PlanningProblem problem, Action<PlanShape> visit)
    {
        var network = problem.Network;
        var visited = new bool[problem.NodeCount];
        var nodes = new List<int>();
        var links = new List<int>();
        var segments = new List<SegmentPlacement>();
        var layers = problem.LayerCount;
        var sink = network.SinkIndex;

        void Arrive(int node, int nextLayer)
        {
            var mayCompute = network.Nodes[node].Flops > 0 && (nextLayer > 0 || node == network.SourceIndex);
            if (mayCompute)
            {
                for (var last = nextLayer; last < layers; last++)
                {
                    if (Memory(problem, nextLayer, last) > network.Nodes[node].MemoryBytes) break;
                    segments.Add(new SegmentPlacement(node, nextLayer, last));
                    if (last == layers - 1)
                    {
                        if (sink < 0 || sink == node) visit(new PlanShape(nodes.ToArray(), links.ToArray(), segments.ToArray()));
                    }
                    else
                    {
                        Leave(node, last + 1);
                    }
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            if (nextLayer > 0) Leave(node, nextLayer);
        }

        void Leave(int node, int nextLayer)
        {
            foreach (var hop in network.Outgoing(node))
            {
                if (visited[hop.To]) continue;
                visited[hop.To] = true;
                nodes.Add(hop.To);
                links.Add(hop.Link);
                Arrive(hop.To, nextLayer);
                nodes.RemoveAt(nodes.Count - 1);
                links.RemoveAt(links.Count - 1);
                visited[hop.To] = false;
            }
        }

        visited[network.SourceIndex] = true;
        nodes.Add(network.SourceIndex);
        Arrive(network.SourceIndex, 0);
    }

    /// <summary>The plan with the smallest T at micro-batch size b, and how many plans were scored.</summary>
    public static (PlanShape? Shape, double Latency, long Plans) Best(PlanningProblem problem, int b)
    {
        PlanShape? best = null;
        var bestT = double.PositiveInfinity;
        long count = 0;
        Enumerate(problem, shape =>
        {
            count++;
            var t = Latency(problem, shape, b);
            if (t < bestT)
            {
                bestT = t;
                best = shape;
            }
        });
        return (best, bestT, count);
    }

    /// <summary>The best plan and micro-batch size over every plan and every b = 1..B.</summary>
    public static (PlanShape? Shape, int MicroBatchSize, double Latency) BestJoint(PlanningProblem problem)
    {
        PlanShape? best = null;
        var bestB = 0;
        var bestT = double.PositiveInfinity;
        Enumerate(problem, shape =>
        {
            for (var b = 1; b <= problem.BatchSize; b++)
            {
                var t = Latency(problem, shape, b);
                if (t < bestT)
                {
                    bestT = t;
                    bestB = b;
                    best = shape;
                }
            }
        });
        return (best, bestB, bestT);
    }

    /// <summary>The best b for one plan by scanning every b = 1..B.</summary>
    public static (int MicroBatchSize, double Latency) ScanMicroBatch(PlanningProblem problem, PlanShape shape)
    {
        var bestB = 0;
        var bestT = double.PositiveInfinity;
        for (var b = 1; b <= problem.BatchSize; b++)
        {
            var t = Latency(problem, shape, b);
            if (t < bestT)
            {
                bestT = t;
                bestB = b;
            }
        }
        return (bestB, bestT);
    }

    /// <summary>T(P, b), straight from MODEL.md sections 4 and 5.</summary>
    public static double Latency(PlanningProblem problem, PlanShape shape, int b)
    {
        var model = problem.Model;
        var network = problem.Network;
        double sum = 0, max = 0;
        void Add(double c)
        {
            sum += c;
            max = Math.Max(max, c);
        }

        var position = 0;
        for (var s = 0; s < shape.Segments.Count; s++)
        {
            var segment = shape.Segments[s];
            var node = network.Nodes[segment.Node];
            double forward = 0, backward = 0;
            for (var l = segment.FirstLayer; l <= segment.LastLayer; l++)
            {
                forward += model.Layers[l].ForwardFlops;
                backward += model.Layers[l].BackwardFlops;
            }
            Add(b * forward / node.Flops + node.OverheadSeconds + b * backward / node.Flops + node.OverheadSeconds);
            if (s + 1 == shape.Segments.Count) break;
            while (shape.PathNodes[position] != segment.Node) position++;
            for (var p = position; shape.PathNodes[p] != shape.Segments[s + 1].Node; p++)
            {
                var link = network.Links[shape.PathLinks[p]];
                var bits = b * model.Layers[segment.LastLayer].OutputElements * model.BytesPerElement * 8;
                Add(2 * (bits / link.BitsPerSecond + link.LatencySeconds));
            }
        }
        return sum + (problem.MicroBatches(b) - 1) * max;
    }

    private static double Memory(PlanningProblem problem, int first, int last)
    {
        var model = problem.Model;
        double parameters = 0, activations = model.InputElementsOf(first);
        for (var l = first; l <= last; l++)
        {
            parameters += model.Layers[l].Parameters;
            activations += model.Layers[l].OutputElements;
        }
        return problem.Job.StateFactor * model.BytesPerElement * parameters + model.BytesPerElement * problem.BatchSize * activations;
    }
}
