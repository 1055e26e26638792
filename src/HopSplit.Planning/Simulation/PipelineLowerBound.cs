namespace HopSplit.Planning.Simulation;

/// <summary>Which argument gives the lower bound its value.</summary>
public enum LowerBoundTerm
{
    /// <summary>One micro-batch's round trip through every stage and back.</summary>
    RoundTrip,
    /// <summary>One stage's work, plus the fastest way to reach it and to get back from it.</summary>
    StageWork,
}

/// <summary>
/// A makespan no schedule can beat (MODEL.md section 9). Two arguments:
/// <list type="bullet">
/// <item>round trip: every micro-batch passes every stage forward and then backward, one after the
/// other, so no schedule beats max over m of sum over s of (F(s, m) + G(s, m));</item>
/// <item>stage work: stage s serves one task at a time and must do sum over m of (F + G) of work; it
/// cannot start before some activation has crossed the stages before it (at least the smallest
/// sum of their F), and after its last task, a backward, that gradient must still cross the stages
/// before it (at least the smallest sum of their G).</item>
/// </list>
/// The bound is the largest of these.
/// </summary>
/// <param name="Seconds">The bound: the largest term.</param>
/// <param name="BindingTerm">Which argument gives <paramref name="Seconds"/> (round trip on a tie).</param>
/// <param name="BindingStage">The stage whose work binds, or null when the round trip binds.</param>
/// <param name="RoundTripSeconds">The round-trip term.</param>
/// <param name="StageSeconds">The stage-work term of every stage, in pipeline order.</param>
public sealed record PipelineLowerBound(
    double Seconds, LowerBoundTerm BindingTerm, int? BindingStage, double RoundTripSeconds, IReadOnlyList<double> StageSeconds)
{
    /// <summary>The lower bound of a workload, whatever the schedule.</summary>
    /// <param name="workload">Stages and their per-micro-batch times.</param>
    public static PipelineLowerBound Of(PipelineWorkload workload)
    {
        var stageCount = workload.StageCount;
        var microBatches = workload.MicroBatches;

        // forwardBefore[m] / backwardBefore[m]: sums of F and G of micro-batch m over the stages before s.
        var forwardBefore = new double[microBatches];
        var backwardBefore = new double[microBatches];
        var stageSeconds = new double[stageCount];
        for (var s = 0; s < stageCount; s++)
        {
            stageSeconds[s] = forwardBefore.Min() + workload.WorkSeconds(s) + backwardBefore.Min();
            for (var m = 0; m < microBatches; m++)
            {
                forwardBefore[m] += workload.Forward(s, m);
                backwardBefore[m] += workload.Backward(s, m);
            }
        }
        var roundTrip = Enumerable.Range(0, microBatches).Max(m => forwardBefore[m] + backwardBefore[m]);

        var bound = new PipelineLowerBound(roundTrip, LowerBoundTerm.RoundTrip, null, roundTrip, stageSeconds);
        for (var s = 0; s < stageCount; s++)
        {
            if (stageSeconds[s] > bound.Seconds) bound = bound with { Seconds = stageSeconds[s], BindingTerm = LowerBoundTerm.StageWork, BindingStage = s };
        }
        return bound;
    }
}
