namespace HopSplit.Planning.Costs;

/// <summary>The planning objective T(P, b) of MODEL.md section 5.</summary>
public static class Objective
{
    /// <summary>sum(c) + (M - 1) * max(c) for the given stage costs.</summary>
    public static double Latency(ReadOnlySpan<double> stageCosts, int microBatches)
    {
        double sum = 0, max = 0;
        foreach (var c in stageCosts)
        {
            sum += c;
            if (c > max) max = c;
        }
        return sum + (microBatches - 1) * max;
    }

    /// <summary>T of a plan shape at micro-batch size b.</summary>
    public static double Latency(PlanningProblem problem, PlanShape shape, int b)
    {
        var costs = shape.Stages().Select(s => s.Time(problem, b).Cost).ToArray();
        return Latency(costs, problem.MicroBatches(b));
    }

    /// <summary>True when every segment of the shape fits its node's memory.</summary>
    public static bool FitsMemory(PlanningProblem problem, PlanShape shape) =>
        shape.Segments.All(s => problem.Fits(s.Node, s.FirstLayer, s.LastLayer));
}
