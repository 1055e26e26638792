using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;

namespace HopSplit.Planning.Simulation;

/// <summary>
/// Discrete-event simulation of the gpipe and 1f1b schedules (MODEL.md section 9). Every stage is a
/// resource serving one task at a time in the schedule's order (<see cref="ScheduleOrder"/>); a task
/// starts when its resource is free and its dependencies are done:
/// F(s, m) after F(s-1, m); B(s, m) after F(s, m) and B(s+1, m).
/// </summary>
/// <remarks>
/// Because each resource's order is fixed, every event time follows from its predecessors alone, so
/// tasks are settled in dependency order without a global clock queue: O(S M) time, deterministic.
/// </remarks>
public static class PipelineSimulator
{
    /// <summary>Simulates the plan with M identical micro-batches of size b (see <see cref="PipelineWorkload.FromPlan(Plan)"/>).</summary>
    /// <param name="plan">The plan to run.</param>
    /// <param name="schedule">gpipe or 1f1b.</param>
    public static SimulationResult Run(Plan plan, ScheduleKind schedule) => Run(PipelineWorkload.FromPlan(plan), schedule);

    /// <summary>Simulates a plan shape with the given micro-batch sizes (for example a smaller last one).</summary>
    /// <param name="problem">Model, network and job that give the stage times.</param>
    /// <param name="shape">Split, placement and route.</param>
    /// <param name="microBatchSizes">The size of every micro-batch, in order.</param>
    /// <param name="schedule">gpipe or 1f1b.</param>
    public static SimulationResult Run(PlanningProblem problem, PlanShape shape, IReadOnlyList<int> microBatchSizes, ScheduleKind schedule) =>
        Run(PipelineWorkload.FromShape(problem, shape, microBatchSizes), schedule);

    /// <summary>Simulates the workload under the schedule.</summary>
    /// <param name="workload">Stages and their per-micro-batch times.</param>
    /// <param name="schedule">gpipe or 1f1b.</param>
    public static SimulationResult Run(PipelineWorkload workload, ScheduleKind schedule)
    {
        var stageCount = workload.StageCount;
        var microBatches = workload.MicroBatches;
        var orders = new IReadOnlyList<PipelineTask>[stageCount];
        for (var s = 0; s < stageCount; s++) orders[s] = ScheduleOrder.For(schedule, s, stageCount, microBatches);

        var finished = new TaskEndTimes(stageCount, microBatches);
        var next = new int[stageCount];        // position of each stage's next task in its order
        var freeAt = new double[stageCount];   // when each resource finishes its current task
        var busy = new double[stageCount];
        var settled = new List<(ScheduledTask Task, int Position)>(2 * stageCount * microBatches);

        // A stage's next task can only become ready when a neighbour finishes something, so only
        // neighbours of a stage that made progress are looked at again.
        var pending = new Queue<int>(Enumerable.Range(0, stageCount));
        var queued = Enumerable.Repeat(true, stageCount).ToArray();
        while (pending.Count > 0)
        {
            var s = pending.Dequeue();
            queued[s] = false;
            var progressed = false;
            while (next[s] < orders[s].Count && finished.ReadyAt(s, orders[s][next[s]]) is { } ready)
            {
                var task = orders[s][next[s]];
                var start = Math.Max(freeAt[s], ready);
                var duration = workload.Duration(s, task);
                var end = start + duration;
                finished.Record(s, task, end);
                freeAt[s] = end;
                busy[s] += duration;
                settled.Add((new ScheduledTask(workload.Stages[s].Id, s, task.Direction, task.MicroBatch, start, end), next[s]));
                next[s]++;
                progressed = true;
            }
            if (!progressed) continue;
            foreach (var neighbour in new[] { s - 1, s + 1 })
            {
                if (neighbour < 0 || neighbour >= stageCount || queued[neighbour]) continue;
                queued[neighbour] = true;
                pending.Enqueue(neighbour);
            }
        }
        for (var s = 0; s < stageCount; s++)
        {
            if (next[s] < orders[s].Count)
                throw new InvalidOperationException($"the {ScheduleNames.Name(schedule)} order deadlocks at stage {s} ({orders[s][next[s]]})");
        }

        var makespan = freeAt.Max();
        var resources = Enumerable.Range(0, stageCount).Select(s =>
        {
            var stage = workload.Stages[s];
            return new ResourceUsage(s, stage.Id, stage.Kind, busy[s], makespan - busy[s], makespan > 0 ? busy[s] / makespan : 0);
        }).ToArray();
        var timeline = settled
            .OrderBy(t => t.Task.StartSeconds).ThenBy(t => t.Task.StageIndex).ThenBy(t => t.Position)
            .Select(t => t.Task)
            .ToArray();
        return new SimulationResult(schedule, microBatches, makespan, resources, timeline);
    }

    /// <summary>End times of finished tasks; NaN marks a task not yet run.</summary>
    private sealed class TaskEndTimes
    {
        private readonly double[][] _forwardEnd;
        private readonly double[][] _backwardEnd;

        public TaskEndTimes(int stageCount, int microBatches)
        {
            _forwardEnd = NotRun(stageCount, microBatches);
            _backwardEnd = NotRun(stageCount, microBatches);
        }

        public void Record(int stage, PipelineTask task, double end) =>
            (task.Direction == TaskDirection.Forward ? _forwardEnd : _backwardEnd)[stage][task.MicroBatch] = end;

        /// <summary>When every dependency of the task is done, or null if one has not run yet.</summary>
        public double? ReadyAt(int stage, PipelineTask task)
        {
            var m = task.MicroBatch;
            if (task.Direction == TaskDirection.Forward)
            {
                if (stage == 0) return 0;
                var upstream = _forwardEnd[stage - 1][m];
                return double.IsNaN(upstream) ? null : upstream;
            }
            var ownForward = _forwardEnd[stage][m];
            if (double.IsNaN(ownForward)) return null;
            if (stage == _backwardEnd.Length - 1) return ownForward;
            var downstream = _backwardEnd[stage + 1][m];
            return double.IsNaN(downstream) ? null : Math.Max(ownForward, downstream);
        }

        private static double[][] NotRun(int stageCount, int microBatches)
        {
            var times = new double[stageCount][];
            for (var s = 0; s < stageCount; s++)
            {
                times[s] = new double[microBatches];
                Array.Fill(times[s], double.NaN);
            }
            return times;
        }
    }
}
