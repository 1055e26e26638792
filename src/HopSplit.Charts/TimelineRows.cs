using HopSplit.Planning.Simulation;

namespace HopSplit.Charts;

/// <summary>
/// Where each task goes: one lane per pipeline stage, top to bottom in pipeline order, and within a lane one
/// row per timeline (planned above measured), so the two runs of a resource sit next to each other.
/// </summary>
internal sealed class TimelineRows
{
    private readonly Dictionary<string, int> _laneByResource;

    /// <exception cref="ArgumentException">No lanes, or a lane that appears twice.</exception>
    public TimelineRows(IReadOnlyList<SimulatedStage> lanes, IReadOnlyList<string> timelineNames)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 0) throw new ArgumentException("a timeline chart needs at least one lane (a node or link stage)", nameof(lanes));
        _laneByResource = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lanes.Count; i++)
        {
            // Tasks name their resource by id only ("phone", "phone->ap"), so ids must be unique across lanes.
            if (!_laneByResource.TryAdd(lanes[i].Id, i))
                throw new ArgumentException($"lane '{lanes[i].ResourceName}' has the id '{lanes[i].Id}' of an earlier lane", nameof(lanes));
        }
        Lanes = lanes;
        TimelineNames = timelineNames;
    }

    public IReadOnlyList<SimulatedStage> Lanes { get; }

    public IReadOnlyList<string> TimelineNames { get; }

    public int RowCount => Lanes.Count * TimelineNames.Count;

    /// <summary>The y position of a row: lane 0's first timeline is at the top.</summary>
    public double Y(int lane, int timeline) => RowCount - 1 - (lane * TimelineNames.Count + timeline);

    /// <summary>The lane of a task's resource.</summary>
    /// <exception cref="ArgumentException">The resource is not one of the lanes.</exception>
    public int LaneOf(ScheduledTask task, string timelineName, string parameterName) =>
        _laneByResource.TryGetValue(task.ResourceId, out var lane)
            ? lane
            : throw new ArgumentException(
                $"the {timelineName} timeline has a task on '{task.ResourceId}' (stage {task.StageIndex}, micro-batch {task.MicroBatch}), " +
                $"which is not a lane; lanes: {string.Join(", ", Lanes.Select(l => l.ResourceName))}", parameterName);

    /// <summary>A row's axis label: the lane's resource name, followed by the timeline's name when there are several.</summary>
    public string Label(int lane, int timeline) =>
        TimelineNames.Count == 1 ? Lanes[lane].ResourceName : $"{Lanes[lane].ResourceName} · {TimelineNames[timeline]}";
}
