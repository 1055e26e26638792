using HopSplit.Planning.Costs;

namespace HopSplit.Planning.MicroBatch;

/// <summary>The best micro-batch size for one plan shape.</summary>
/// <param name="MicroBatchSize">b, the exact integer optimum.</param>
/// <param name="Latency">T(P, b).</param>
/// <param name="ClosedForm">b* = sqrt(B beta* / (sum(alpha) - alpha*)) for the bottleneck stage at b (before rounding).</param>
/// <param name="Evaluated">How many integer b were evaluated to certify the optimum.</param>
public sealed record MicroBatchChoice(int MicroBatchSize, double Latency, double ClosedForm, int Evaluated);

/// <summary>
/// The micro-batch size for a fixed plan (MODEL.md section 8). Every stage cost is affine in b,
/// c_s(b) = alpha_s b + beta_s, so with stage * as the bottleneck T(b) ~ (sum(alpha) - alpha*) b
/// + B beta* / b + const, minimized at b* = sqrt(B beta* / (sum(alpha) - alpha*)). The closed forms
/// of every possible bottleneck give the candidates; because M = ceil(B / b) is an integer, the
/// integers around them are evaluated, and the optimum is then certified against a convex lower
/// bound of T (M replaced by B / b), scanning outward until that bound exceeds the best T found.
/// The result equals an exhaustive scan of b = 1..B. Memory does not depend on b (the model holds
/// all B samples' activations, MODEL.md section 6), so no memory clamp applies.
/// </summary>
public static class MicroBatchOptimizer
{
    public static MicroBatchChoice Optimize(PlanningProblem problem, PlanShape shape)
    {
        var stages = shape.Stages().ToArray();
        var alpha = new double[stages.Length];
        var beta = new double[stages.Length];
        for (var s = 0; s < stages.Length; s++)
        {
            beta[s] = stages[s].Time(problem, 0).Cost;
            alpha[s] = stages[s].Time(problem, 1).Cost - beta[s];
        }
        var batch = problem.BatchSize;
        var sumAlpha = alpha.Sum();
        var sumBeta = beta.Sum();
        var costs = new double[stages.Length];
        var evaluated = 0;

        double Latency(int b)
        {
            evaluated++;
            for (var s = 0; s < stages.Length; s++) costs[s] = stages[s].Time(problem, b).Cost;
            return Objective.Latency(costs, problem.MicroBatches(b));
        }

        // Convex lower bound of T: the same formula with M = B / b instead of ceil(B / b).
        double LowerBound(double b)
        {
            var max = double.NegativeInfinity;
            for (var s = 0; s < stages.Length; s++) max = Math.Max(max, alpha[s] * b + beta[s]);
            return sumAlpha * b + sumBeta + (batch / b - 1) * max;
        }

        var bestB = batch;
        var bestT = Latency(batch);
        void Consider(int b)
        {
            b = Math.Clamp(b, 1, batch);
            var t = Latency(b);
            if (t < bestT || (t == bestT && b < bestB))
            {
                bestT = t;
                bestB = b;
            }
        }

        for (var s = 0; s < stages.Length; s++)
        {
            var star = ClosedForm(batch, sumAlpha - alpha[s], beta[s]);
            var microBatches = batch / star;
            foreach (var m in new[] { Math.Floor(microBatches) - 1, Math.Floor(microBatches), Math.Ceiling(microBatches), Math.Ceiling(microBatches) + 1 })
            {
                if (m >= 1) Consider((int)Math.Ceiling(batch / m));
            }
            Consider((int)Math.Floor(star));
            Consider((int)Math.Ceiling(star));
        }

        // Certify: scan outward from the bound's minimizer until the bound reaches the best T.
        var center = ArgMinConvex(LowerBound, 1, batch);
        for (var b = center; b >= 1 && LowerBound(b) < bestT; b--) Consider(b);
        for (var b = center + 1; b <= batch && LowerBound(b) < bestT; b++) Consider(b);

        var bottleneck = BottleneckIndex(alpha, beta, bestB);
        var closedForm = ClosedForm(batch, sumAlpha - alpha[bottleneck], beta[bottleneck]);
        return new MicroBatchChoice(bestB, bestT, closedForm, evaluated);
    }

    /// <summary>b* = sqrt(B beta* / (sum(alpha) - alpha*)), clamped to [1, B].</summary>
    public static double ClosedForm(int batch, double otherAlpha, double bottleneckBeta)
    {
        if (otherAlpha <= 0) return batch; // one stage: fewer micro-batches only save overhead
        return Math.Clamp(Math.Sqrt(batch * bottleneckBeta / otherAlpha), 1, batch);
    }

    private static int BottleneckIndex(double[] alpha, double[] beta, int b)
    {
        var index = 0;
        for (var s = 1; s < alpha.Length; s++)
        {
            if (alpha[s] * b + beta[s] > alpha[index] * b + beta[index]) index = s;
        }
        return index;
    }

    private static int ArgMinConvex(Func<double, double> f, int low, int high)
    {
        while (high - low > 2)
        {
            var m1 = low + (high - low) / 3;
            var m2 = high - (high - low) / 3;
            if (f(m1) <= f(m2)) high = m2; else low = m1;
        }
        var best = low;
        for (var b = low + 1; b <= high; b++)
        {
            if (f(b) < f(best)) best = b;
        }
        return best;
    }
}
