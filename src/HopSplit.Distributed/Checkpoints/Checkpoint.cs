namespace HopSplit.Distributed.Checkpoints;

/// <summary>Layers <paramref name="FirstLayer"/>..<paramref name="LastLayer"/> (inclusive) ran on <paramref name="Node"/> when the checkpoint was taken.</summary>
public sealed record CheckpointSegment(string Node, int FirstLayer, int LastLayer);

/// <summary>
/// The whole model's training state after <see cref="Step"/> completed steps: every parameter and SGD momentum
/// buffer by layer and name (not by worker, so a new split can take it), with what is needed to check it fits a run:
/// the seed, the model's layer count and the plan it was taken under.
/// </summary>
/// <param name="Step">Completed training steps; training resumes with batch <c>Step</c>.</param>
/// <param name="Seed">The seed the run's workers built the model from.</param>
/// <param name="LayerCount">The model's layers.</param>
/// <param name="MicroBatchSize">The plan's micro-batch size then.</param>
/// <param name="Segments">The plan's split then, in pipeline order.</param>
/// <param name="Tensors">Every tensor of the state.</param>
public sealed record Checkpoint(long Step, long Seed, int LayerCount, int MicroBatchSize, IReadOnlyList<CheckpointSegment> Segments,
    IReadOnlyDictionary<StateKey, StateTensor> Tensors)
{
    /// <summary>The file format this version writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// Refuses a checkpoint of another run: a different model (layer count, or a layer without its parameters) or
    /// another seed. The message says what differs and how to fix it.
    /// </summary>
    public void CheckFits(int layerCount, long seed, string source)
    {
        if (LayerCount != layerCount)
            throw new CheckpointException($"{source}: the checkpoint is for a model of {LayerCount} layers, this run's model has {layerCount}; use a checkpoint of this model or another --checkpoint-dir");
        if (Seed != seed)
            throw new CheckpointException($"{source}: the checkpoint was taken with seed {Seed}, this run uses seed {seed}; pass the same seed or start without it");
        var outside = Tensors.Keys.Where(k => k.Layer < 0 || k.Layer >= layerCount).Select(k => k.ToString()).FirstOrDefault();
        if (outside is not null) throw new CheckpointException($"{source}: {outside} is not a layer of a {layerCount}-layer model");
    }
}

/// <summary>A checkpoint file that cannot be used; the message names the file, the field and what is wrong.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
