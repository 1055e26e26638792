using HopSplit.Planning.Model;

namespace HopSplit.Planning.Simulation;

/// <summary>The names schedules go by in files and on the command line (MODEL.md section 2).</summary>
public static class ScheduleNames
{
    /// <summary>"gpipe" or "1f1b".</summary>
    /// <param name="schedule">The schedule to name.</param>
    public static string Name(ScheduleKind schedule) => schedule switch
    {
        ScheduleKind.GPipe => "gpipe",
        ScheduleKind.OneFOneB => "1f1b",
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, null),
    };
}
