namespace HopSplit.Distributed.Recovery;

/// <summary>When measured speeds have drifted far enough from the plan's, for long enough, to re-plan.</summary>
public sealed class DriftOptions
{
    /// <summary>
    /// A node has drifted in a step when its measured / modeled compute time is above this or below its inverse
    /// (2 by default: twice as slow or twice as fast as the plan assumes).
    /// </summary>
    public double Threshold { get; init; } = 2;

    /// <summary>Consecutive drifted steps before re-planning (3 by default), so one slow step does not move the model.</summary>
    public int ConsecutiveSteps { get; init; } = 3;

    /// <summary>The new plan must predict a T at least this fraction below the running plan's (both with the measured speeds): 10% by default.</summary>
    public double MinimumGain { get; init; } = 0.1;

    /// <summary>
    /// Steps after a switch of plans during which drift is not judged (10 by default): measured ratios are noisy and the
    /// cost model is linear, so without a pause two plans can take turns looking better.
    /// </summary>
    public int CooldownSteps { get; init; } = 10;
}

/// <summary>
/// Watches each compute node's measured / modeled ratio step by step. Ratios are judged against a baseline per node
/// (1 at first), so after a decision to keep a plan the same drift is not reported again every few steps.
/// </summary>
internal sealed class DriftMonitor(DriftOptions options)
{
    private readonly Dictionary<string, int> _streak = new();
    private readonly Dictionary<string, List<double>> _ratios = new();
    private readonly Dictionary<string, double> _baseline = new();
    private int _cooldown;

    /// <summary>Records a step; returns each node's median ratio over its streak once some node drifted for enough consecutive steps.</summary>
    public IReadOnlyDictionary<string, double>? Observe(DistributedStepResult step)
    {
        if (_cooldown > 0)
        {
            _cooldown--;
            return null;
        }
        var fired = false;
        foreach (var stage in step.Stages)
        {
            var node = stage.Stage.Id;
            var ratio = stage.Ratio;
            if (double.IsNaN(ratio) || ratio <= 0) continue;
            var relative = ratio / _baseline.GetValueOrDefault(node, 1);
            if (!_ratios.TryGetValue(node, out var window)) _ratios[node] = window = new List<double>();
            window.Add(ratio);
            if (window.Count > options.ConsecutiveSteps) window.RemoveAt(0);
            var drifted = relative > options.Threshold || relative < 1 / options.Threshold;
            _streak[node] = drifted ? _streak.GetValueOrDefault(node) + 1 : 0;
            fired |= _streak[node] >= options.ConsecutiveSteps;
        }
        if (!fired) return null;
        return _ratios.ToDictionary(p => p.Key, p => MedianOf(p.Value));
    }

    private static double MedianOf(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>After a switch of plans: forget everything and judge nothing for <see cref="DriftOptions.CooldownSteps"/> steps.</summary>
    public void Switched()
    {
        Reset();
        _cooldown = options.CooldownSteps;
    }

    /// <summary>Which nodes are past the threshold now (for the log line).</summary>
    public IEnumerable<string> DriftedNodes => _streak.Where(p => p.Value >= options.ConsecutiveSteps).Select(p => p.Key);

    /// <summary>Forgets the streaks; with <paramref name="accepted"/>, those ratios become the nodes' new baseline.</summary>
    public void Reset(IReadOnlyDictionary<string, double>? accepted = null)
    {
        _cooldown = 0;
        _streak.Clear();
        _ratios.Clear();
        _baseline.Clear();
        if (accepted is not null)
            foreach (var (node, ratio) in accepted) _baseline[node] = ratio;
    }
}
