using HopSplit.Planning.Model;

namespace HopSplit.Planning.Simulation;

/// <summary>Which way a task moves a micro-batch through a stage.</summary>
public enum TaskDirection
{
    /// <summary>F: activations towards the last stage.</summary>
    Forward,
    /// <summary>B: gradients back towards the source.</summary>
    Backward,
}

/// <summary>One unit of work on a stage: the forward or the backward pass of one micro-batch.</summary>
/// <param name="Direction">Forward (F) or backward (B).</param>
/// <param name="MicroBatch">0-based micro-batch index.</param>
public readonly record struct PipelineTask(TaskDirection Direction, int MicroBatch);

/// <summary>
/// The order in which one stage serves its tasks under a schedule. Every compute stage and every
/// link stage counts as a pipeline stage, because each is a resource that can sit idle.
/// </summary>
public static class ScheduleOrder
{
    /// <summary>The tasks stage <paramref name="stageIndex"/> runs, in the order it runs them.</summary>
    /// <param name="schedule">gpipe (fill and drain) or 1f1b (PipeDream-Flush / Megatron order).</param>
    /// <param name="stageIndex">0-based position of the stage in the pipeline.</param>
    /// <param name="stageCount">S: the number of stages, compute and link together.</param>
    /// <param name="microBatches">M: the number of micro-batches.</param>
    public static IReadOnlyList<PipelineTask> For(ScheduleKind schedule, int stageIndex, int stageCount, int microBatches)
    {
        if (stageCount < 1) throw new ArgumentOutOfRangeException(nameof(stageCount), stageCount, "a pipeline has at least one stage");
        if (stageIndex < 0 || stageIndex >= stageCount) throw new ArgumentOutOfRangeException(nameof(stageIndex), stageIndex, null);
        if (microBatches < 1) throw new ArgumentOutOfRangeException(nameof(microBatches), microBatches, "at least one micro-batch");
        return schedule switch
        {
            ScheduleKind.GPipe => FillAndDrain(microBatches),
            ScheduleKind.OneFOneB => OneForwardOneBackward(WarmUpForwards(stageIndex, stageCount, microBatches), microBatches),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, null),
        };
    }

    /// <summary>w = min(S - 1 - i, M): the forwards stage i runs before its first backward under 1f1b.</summary>
    /// <param name="stageIndex">i: 0-based position of the stage.</param>
    /// <param name="stageCount">S: the number of stages.</param>
    /// <param name="microBatches">M: the number of micro-batches.</param>
    public static int WarmUpForwards(int stageIndex, int stageCount, int microBatches) =>
        Math.Min(stageCount - 1 - stageIndex, microBatches);

    private static PipelineTask[] FillAndDrain(int microBatches)
    {
        var order = new PipelineTask[2 * microBatches];
        for (var m = 0; m < microBatches; m++)
        {
            order[m] = new PipelineTask(TaskDirection.Forward, m);
            order[microBatches + m] = new PipelineTask(TaskDirection.Backward, m);
        }
        return order;
    }

    private static PipelineTask[] OneForwardOneBackward(int warmUp, int microBatches)
    {
        var order = new List<PipelineTask>(2 * microBatches);
        for (var m = 0; m < warmUp; m++) order.Add(new PipelineTask(TaskDirection.Forward, m));
        // Steady state: the next forward, then the oldest backward, so at most w + 1 activations wait here.
        for (var k = 0; k < microBatches - warmUp; k++)
        {
            order.Add(new PipelineTask(TaskDirection.Forward, warmUp + k));
            order.Add(new PipelineTask(TaskDirection.Backward, k));
        }
        for (var m = microBatches - warmUp; m < microBatches; m++) order.Add(new PipelineTask(TaskDirection.Backward, m));
        return order.ToArray();
    }
}
