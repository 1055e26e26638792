using HopSplit.Planning.Model;

namespace HopSplit.Planning.Costs;

/// <summary>
/// A model, a network and a job, with the prefix sums every cost query needs. All stage costs
/// (MODEL.md sections 4 and 6) come from here, so the solver, the evaluator and the baselines
/// compute bit-identical numbers for the same stage.
/// </summary>
public sealed class PlanningProblem
{
    private readonly double[] _forwardPrefix;   // sum of rho over layers [0, i)
    private readonly double[] _backwardPrefix;  // sum of w over layers [0, i)
    private readonly double[] _paramPrefix;     // sum of p over layers [0, i)
    private readonly double[] _activationPrefix; // sum of a over layers [0, i)
    private readonly double[] _secondsPerFlop;   // 1 / f per node (0 for relays, which never compute)
    private readonly double[] _bitsPerElementOverRate; // e * 8 / R per link
    private readonly double[] _overhead;         // o per node
    private readonly double[] _capacity;         // m per node
    private readonly double[] _segmentInput;     // elements entering layer i (a_in for i = 0)
    private readonly double[] _cutElements;      // elements leaving layer i

    public PlanningProblem(ModelCosts model, Network network, TrainingJob job)
    {
        if (model.LayerCount == 0) throw new ArgumentException("the model has no layers", nameof(model));
        if (job.BatchSize < 1) throw new ArgumentException("the batch size must be at least 1", nameof(job));
        Model = model;
        Network = network;
        Job = job;
        var n = model.LayerCount;
        _forwardPrefix = new double[n + 1];
        _backwardPrefix = new double[n + 1];
        _paramPrefix = new double[n + 1];
        _activationPrefix = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            var layer = model.Layers[i];
            _forwardPrefix[i + 1] = _forwardPrefix[i] + layer.ForwardFlops;
            _backwardPrefix[i + 1] = _backwardPrefix[i] + layer.BackwardFlops;
            _paramPrefix[i + 1] = _paramPrefix[i] + layer.Parameters;
            _activationPrefix[i + 1] = _activationPrefix[i] + layer.OutputElements;
        }
        // Reciprocals keep the solver's inner loops to multiplications; every cost goes through them.
        _secondsPerFlop = network.Nodes.Select(node => node.Flops > 0 ? 1 / node.Flops : 0).ToArray();
        _bitsPerElementOverRate = network.Links.Select(link => model.BytesPerElement * 8 / link.BitsPerSecond).ToArray();
        _overhead = network.Nodes.Select(node => node.OverheadSeconds).ToArray();
        _capacity = network.Nodes.Select(node => node.MemoryBytes).ToArray();
        _segmentInput = Enumerable.Range(0, n).Select(model.InputElementsOf).ToArray();
        _cutElements = model.Layers.Select(layer => layer.OutputElements).ToArray();
    }

    public ModelCosts Model { get; }
    public Network Network { get; }
    public TrainingJob Job { get; }

    public int LayerCount => Model.LayerCount;
    public int NodeCount => Network.Nodes.Count;
    public int BatchSize => Job.BatchSize;

    public bool CanCompute(int node) => _secondsPerFlop[node] > 0;

    /// <summary>Forward and backward seconds of layers first..last on node for a micro-batch of size b.</summary>
    public StageTime ComputeTime(int node, int first, int last, int b)
    {
        var overhead = _overhead[node];
        var scale = b * _secondsPerFlop[node];
        var forward = (_forwardPrefix[last + 1] - _forwardPrefix[first]) * scale + overhead;
        var backward = (_backwardPrefix[last + 1] - _backwardPrefix[first]) * scale + overhead;
        return new StageTime(forward, backward);
    }

    /// <summary>Stage cost c = F + G of a compute stage (the quantity the solver thresholds).</summary>
    public double ComputeCost(int node, int first, int last, int b) => ComputeTime(node, first, last, b).Cost;

    /// <summary>Forward (= backward) seconds to move the cut after <paramref name="cutLayer"/> over a link.</summary>
    public double TransferSeconds(int link, int cutLayer, int b)
    {
        return b * _cutElements[cutLayer] * _bitsPerElementOverRate[link] + Network.Links[link].LatencySeconds;
    }

    /// <summary>Forward and backward seconds of a link stage: activations one way, gradients back, half duplex.</summary>
    public StageTime LinkTime(int link, int cutLayer, int b)
    {
        var t = TransferSeconds(link, cutLayer, b);
        return new StageTime(t, t);
    }

    public double LinkCost(int link, int cutLayer, int b) => LinkTime(link, cutLayer, b).Cost;

    /// <summary>Bytes node must hold for layers first..last (MODEL.md section 6, A = B).</summary>
    public double MemoryBytes(int first, int last)
    {
        var e = Model.BytesPerElement;
        var parameters = _paramPrefix[last + 1] - _paramPrefix[first];
        var activations = _segmentInput[first] + (_activationPrefix[last + 1] - _activationPrefix[first]);
        return Job.StateFactor * e * parameters + e * Job.BatchSize * activations;
    }

    public bool Fits(int node, int first, int last) => MemoryBytes(first, last) <= _capacity[node];

    /// <summary>
    /// The stage costs of the segments first..first, first..first+1, ... on node, for as long as
    /// they stay below limit and fit the node's memory (both only grow with the segment, so the
    /// first violation ends the list). Fills costs and returns how many; the solver's inner loop.
    /// Each cost equals <see cref="ComputeCost"/> bit for bit.
    /// </summary>
    public int SegmentCosts(int node, int first, int b, double limit, Span<double> costs)
    {
        var overhead = _overhead[node];
        var scale = b * _secondsPerFlop[node];
        var capacity = _capacity[node];
        var e = Model.BytesPerElement;
        var parameterBytes = Job.StateFactor * e;
        var activationBytes = e * Job.BatchSize;
        var count = 0;
        for (var last = first; last < LayerCount; last++)
        {
            var forward = (_forwardPrefix[last + 1] - _forwardPrefix[first]) * scale + overhead;
            var backward = (_backwardPrefix[last + 1] - _backwardPrefix[first]) * scale + overhead;
            var cost = forward + backward;
            if (!(cost < limit)) break;
            var memory = parameterBytes * (_paramPrefix[last + 1] - _paramPrefix[first])
                         + activationBytes * (_segmentInput[first] + (_activationPrefix[last + 1] - _activationPrefix[first]));
            if (memory > capacity) break;
            costs[count++] = cost;
        }
        return count;
    }

    /// <summary>
    /// Seconds node needs at micro-batch size b for the forward and backward work of layers 0..layer-1,
    /// without overhead. A segment's compute cost is the difference of two of these plus twice the
    /// overhead, which lets the solver find the best segment start with a sliding-window minimum.
    /// </summary>
    public double PrefixWorkSeconds(int node, int layer, int b) => (_forwardPrefix[layer] + _backwardPrefix[layer]) * (b * _secondsPerFlop[node]);

    /// <summary>o of a node: paid once forward and once backward by every segment it computes.</summary>
    public double OverheadSeconds(int node) => _overhead[node];

    /// <summary>True when layers first..last on node cost less than limit and fit its memory.</summary>
    public bool SegmentAllowed(int node, int first, int last, int b, double limit) =>
        ComputeCost(node, first, last, b) < limit && Fits(node, first, last);

    /// <summary>Total forward plus backward FLOPs per sample of layers first..last.</summary>
    public double WorkFlops(int first, int last) =>
        (_forwardPrefix[last + 1] - _forwardPrefix[first]) + (_backwardPrefix[last + 1] - _backwardPrefix[first]);

    /// <summary>M = ceil(B / b).</summary>
    public int MicroBatches(int b) => Job.MicroBatchesFor(b);
}

/// <summary>Forward and backward seconds of one stage for one micro-batch.</summary>
public readonly record struct StageTime(double Forward, double Backward)
{
    public double Cost => Forward + Backward;
}
