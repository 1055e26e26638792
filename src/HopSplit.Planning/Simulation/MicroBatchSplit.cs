namespace HopSplit.Planning.Simulation;

/// <summary>How a mini-batch is cut into micro-batches.</summary>
public static class MicroBatchSplit
{
    /// <summary>
    /// M = ceil(B / b) micro-batch sizes: b for all but the last, which takes the rest (B - (M - 1) b),
    /// so it is smaller when b does not divide B.
    /// </summary>
    /// <param name="batchSize">B: the mini-batch size.</param>
    /// <param name="microBatchSize">b: the size of every full micro-batch, 1..B.</param>
    public static IReadOnlyList<int> Sizes(int batchSize, int microBatchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be at least 1");
        if (microBatchSize < 1 || microBatchSize > batchSize)
            throw new ArgumentOutOfRangeException(nameof(microBatchSize), microBatchSize, $"the micro-batch size must be between 1 and {batchSize}");
        var count = (batchSize + microBatchSize - 1) / microBatchSize;
        var sizes = new int[count];
        Array.Fill(sizes, microBatchSize);
        sizes[^1] = batchSize - (count - 1) * microBatchSize;
        return sizes;
    }
}
