using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// The hand-off between two adjacent stages in one direction: activations forward or gradients back.
/// Both schedules move micro-batches through every stage in increasing order in each direction, so a
/// FIFO queue suffices; <see cref="Take"/> checks the order, because a mismatch is a runtime bug.
/// </summary>
internal sealed class StageChannel : IDisposable
{
    private readonly BlockingCollection<(int MicroBatch, Tensor Tensor)> _queue = new();

    private readonly bool _ownsTensors;

    /// <param name="name">Which stages and which direction, for error messages.</param>
    /// <param name="ownsTensors">True for gradients, which belong to whoever takes them: a failed step disposes those left over.
    /// Activations stay owned by the stage that computed them.</param>
    public StageChannel(string name, bool ownsTensors)
    {
        Name = name;
        _ownsTensors = ownsTensors;
    }

    /// <summary>Which stages and which direction, for error messages.</summary>
    public string Name { get; }

    public void Put(int microBatch, Tensor tensor) => _queue.Add((microBatch, tensor));

    /// <summary>Waits for micro-batch <paramref name="microBatch"/>'s tensor.</summary>
    /// <exception cref="OperationCanceledException">The step was cancelled because another stage failed.</exception>
    public Tensor Take(int microBatch, CancellationToken cancellation)
    {
        var (arrived, tensor) = _queue.Take(cancellation);
        if (arrived != microBatch)
            throw new InvalidOperationException($"{Name}: expected micro-batch {microBatch} but micro-batch {arrived} arrived");
        return tensor;
    }

    /// <summary>Drops what a failed step left behind.</summary>
    public void Clear()
    {
        while (_queue.TryTake(out var item))
        {
            if (_ownsTensors) item.Tensor.Dispose();
        }
    }

    public void Dispose() => _queue.Dispose();
}
