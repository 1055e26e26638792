namespace HopSplit.Planning.Model;

/// <summary>The optimizer, which sets how many bytes are kept per parameter (in units of e).</summary>
public enum OptimizerKind
{
    /// <summary>Weights and gradients: factor 2.</summary>
    Sgd,
    /// <summary>Plus a momentum buffer: factor 3.</summary>
    Momentum,
    /// <summary>Plus two moment buffers: factor 4.</summary>
    Adam,
}

/// <summary>How micro-batches are ordered on every stage.</summary>
public enum ScheduleKind
{
    /// <summary>Fill and drain: every forward, then every backward.</summary>
    GPipe,
    /// <summary>One forward, one backward, after a warm-up.</summary>
    OneFOneB,
}

/// <summary>What is trained: mini-batch size B, optimizer and schedule (MODEL.md section 2).</summary>
public sealed record TrainingJob(int BatchSize, OptimizerKind Optimizer = OptimizerKind.Sgd, ScheduleKind Schedule = ScheduleKind.GPipe)
{
    /// <summary>k: optimizer state factor.</summary>
    public double StateFactor => Optimizer switch
    {
        OptimizerKind.Sgd => 2,
        OptimizerKind.Momentum => 3,
        OptimizerKind.Adam => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, null),
    };

    /// <summary>M = ceil(B / b).</summary>
    public int MicroBatchesFor(int microBatchSize) => (BatchSize + microBatchSize - 1) / microBatchSize;
}
