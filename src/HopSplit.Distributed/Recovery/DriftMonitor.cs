namespace HopSplit.Distributed.Recovery;

/// <summary>When measured speeds have drifted far enough from the plan's, for long enough, to re-plan.</summary>
public sealed class DriftOptions
{
    /// <summary>
    /// A node has drifted in a step when its measured / modeled compute time is above this or below its inverse
    /// (2 by default: twice as slow or twice as fast as the plan assumes); a link path (direct routing) when its planned /
    /// measured bandwidth is.
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

    /// <summary>
    /// Also judge the links (true by default). Only direct routing (<see cref="FrameRouting.Direct"/>) measures them: each
    /// worker times its sends to the next and previous segment's worker; relayed frames give no per-link times.
    /// </summary>
    public bool Links { get; init; } = true;
}

/// <summary>A node or (direct routing) a path of links between two consecutive segments whose speed is judged.</summary>
/// <param name="IsLink">True for a path of links, false for a node.</param>
/// <param name="Name">The path's nodes (e.g. "b->r->d") or the node's id.</param>
internal readonly record struct DriftSubject(bool IsLink, string Name)
{
    public override string ToString() => (IsLink ? "link " : "node ") + Name;
}

/// <summary>
/// Watches each compute node's measured / modeled ratio and, with direct routing, each link path's planned / measured
/// bandwidth, step by step. Ratios are judged against a baseline per subject (1 at first), so after a decision to keep
/// a plan the same drift is not reported again every few steps.
/// </summary>
internal sealed class DriftMonitor(DriftOptions options)
{
    private readonly Dictionary<DriftSubject, int> _streak = new();
    private readonly Dictionary<DriftSubject, List<double>> _ratios = new();
    private readonly Dictionary<DriftSubject, double> _baseline = new();
    private int _cooldown;

    /// <summary>Records a step; returns each subject's median ratio over its streak once some subject drifted for enough consecutive steps.</summary>
    public IReadOnlyDictionary<DriftSubject, double>? Observe(DistributedStepResult step)
    {
        if (_cooldown > 0)
        {
            _cooldown--;
            return null;
        }
        var fired = false;
        foreach (var stage in step.Stages) fired |= Judge(new DriftSubject(false, stage.Stage.Id), stage.Ratio);
        if (options.Links)
            foreach (var path in step.Paths) fired |= Judge(new DriftSubject(true, path.Name), path.Ratio);
        if (!fired) return null;
        return _ratios.ToDictionary(p => p.Key, p => MedianOf(p.Value));
    }

    // True when the subject has now drifted for the configured number of consecutive steps.
    private bool Judge(DriftSubject subject, double ratio)
    {
        if (double.IsNaN(ratio) || double.IsInfinity(ratio) || ratio <= 0) return false;
        var relative = ratio / _baseline.GetValueOrDefault(subject, 1);
        if (!_ratios.TryGetValue(subject, out var window)) _ratios[subject] = window = new List<double>();
        window.Add(ratio);
        if (window.Count > options.ConsecutiveSteps) window.RemoveAt(0);
        var drifted = relative > options.Threshold || relative < 1 / options.Threshold;
        _streak[subject] = drifted ? _streak.GetValueOrDefault(subject) + 1 : 0;
        return _streak[subject] >= options.ConsecutiveSteps;
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

    /// <summary>Which nodes and link paths are past the threshold now (for the log line).</summary>
    public IEnumerable<DriftSubject> Drifted => _streak.Where(p => p.Value >= options.ConsecutiveSteps).Select(p => p.Key);

    /// <summary>Forgets the streaks; with <paramref name="accepted"/>, those ratios become the subjects' new baseline.</summary>
    public void Reset(IReadOnlyDictionary<DriftSubject, double>? accepted = null)
    {
        _cooldown = 0;
        _streak.Clear();
        _ratios.Clear();
        _baseline.Clear();
        if (accepted is not null)
            foreach (var (subject, ratio) in accepted) _baseline[subject] = ratio;
    }
}
