using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits.Training;

/// <summary>
/// Endless shuffled mini-batches of a dataset held as two tensors: each pass over the data is a new
/// permutation from a seeded generator, so runs are repeatable. The last incomplete batch of a pass is
/// dropped, so every step holds a full mini-batch (the plan's batch size).
/// </summary>
public sealed class MiniBatches : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly int _batchSize;
    private readonly Random _random;
    private readonly int _seed;
    private int[] _order = [];
    private int _next;
    private (long Pass, int[] Order) _replayed = (-1, []);

    public MiniBatches(DigitImages data, int batchSize, int seed)
    {
        if (batchSize < 1 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"the batch size must be between 1 and the {data.Count} images");
        (_images, _labels) = DigitTensors.ToTensors(data);
        _images.DetachFromDisposeScope();
        _labels.DetachFromDisposeScope();
        _batchSize = batchSize;
        _random = new Random(seed);
        _seed = seed;
    }

    /// <summary>
    /// Mini-batch <paramref name="index"/> (0-based) of the sequence <see cref="Next"/> gives, the same every time: what a
    /// trainer that replays steps after a failure asks for. The caller owns both tensors.
    /// </summary>
    public (Tensor Images, Tensor Labels) At(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var count = (int)_labels.shape[0];
        var perPass = count / _batchSize;
        var pass = index / perPass;
        if (_replayed.Pass != pass)
        {
            // Pass p's order is the (p + 1)-th shuffle of a generator seeded as Next's is.
            var random = new Random(_seed);
            int[] order = [];
            for (var p = 0L; p <= pass; p++)
            {
                order = Enumerable.Range(0, count).ToArray();
                random.Shuffle(order);
            }
            _replayed = (pass, order);
        }
        var start = (int)(index % perPass) * _batchSize;
        using var indices = torch.tensor(_replayed.Order.AsSpan(start, _batchSize).ToArray().Select(i => (long)i).ToArray());
        return (_images.index_select(0, indices), _labels.index_select(0, indices));
    }

    /// <summary>The next mini-batch; the caller owns both tensors (they join its dispose scope).</summary>
    public (Tensor Images, Tensor Labels) Next()
    {
        if (_next + _batchSize > _order.Length)
        {
            _order = Enumerable.Range(0, (int)_labels.shape[0]).ToArray();
            _random.Shuffle(_order);
            _next = 0;
        }
        using var indices = torch.tensor(_order.AsSpan(_next, _batchSize).ToArray().Select(i => (long)i).ToArray());
        _next += _batchSize;
        return (_images.index_select(0, indices), _labels.index_select(0, indices));
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
