using System.Diagnostics;
using System.Globalization;
using HopSplit.Distributed.Checkpoints;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HopSplit.Distributed.Recovery;

/// <summary>
/// Distributed training that survives dead workers and adapts to drifting speeds. It plans on the nodes that have
/// workers, checkpoints the whole model's state (parameters and momentum) every few steps, and when a worker stops
/// answering it drops that node and its links, re-plans on the survivors, restores every new segment from the last
/// checkpoint and replays the steps after it with the same batches: the final weights are those of a run that never
/// failed. Dead nodes' workers that answer again are taken back when a plan with them is better by the margin
/// (<see cref="ResilientTrainerOptions.RejoinEvery"/>). With <see cref="ResilientTrainerOptions.Drift"/> it also re-plans
/// when measured node speeds (and, with direct routing, link bandwidths) stay far from the plan's. Every decision is
/// logged and kept in <see cref="Decisions"/>.
/// </summary>
public sealed class ResilientTrainer : IDisposable
{
    private readonly ResilientTrainerOptions _options;
    private readonly ILogger _log;
    private readonly Dictionary<string, Uri> _live;
    private readonly HashSet<string> _dead = new();
    // The address each dead node's worker had, pinged every RejoinEvery steps to offer it back.
    private readonly Dictionary<string, Uri> _deadWorkers = new();
    // Nodes whose workers answered again but were not worth a switch: not offered again until the plan changes.
    private readonly HashSet<string> _declined = new();
    private readonly CheckpointStore? _store;
    private readonly DriftMonitor? _drift;
    private readonly List<TrainingDecision> _decisions = new();
    private Network _network;
    private DistributedTrainer _trainer = null!;
    private Checkpoint _checkpoint = null!;

    private ResilientTrainer(ResilientTrainerOptions options)
    {
        _options = options;
        _log = options.Logger ?? NullLogger.Instance;
        _live = new Dictionary<string, Uri>(options.Trainer.Workers);
        _network = options.Problem.Network;
        _store = options.CheckpointDirectory is { } directory ? new CheckpointStore(directory) : null;
        _drift = options.Drift is { } drift ? new DriftMonitor(drift) : null;
    }

    /// <summary>The running plan's stages (it changes after a recovery or a drift re-plan).</summary>
    public PipelineLayout Layout => _trainer.Layout;

    /// <summary>The coordinator of the running plan (its weights, assignments and completed steps).</summary>
    public DistributedTrainer Trainer => _trainer;

    /// <summary>The last checkpoint taken (or resumed from).</summary>
    public Checkpoint LastCheckpoint => _checkpoint;

    /// <summary>Nodes whose workers died in this run.</summary>
    public IReadOnlySet<string> DeadNodes => _dead;

    /// <summary>Every decision taken so far, in order.</summary>
    public IReadOnlyList<TrainingDecision> Decisions => _decisions;

    /// <summary>
    /// Plans (or takes <paramref name="initialLayout"/>), connects the workers and takes the first checkpoint; with a
    /// checkpoint folder that already holds one, resumes from it instead.
    /// </summary>
    /// <exception cref="CheckpointException">The folder's newest checkpoint is damaged or belongs to another run.</exception>
    /// <exception cref="DistributedStageException">A worker refused its segment or cannot be reached.</exception>
    public static async Task<ResilientTrainer> StartAsync(ResilientTrainerOptions options, PipelineLayout? initialLayout = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEvery, 1);
        var trainer = new ResilientTrainer(options);
        try
        {
            trainer._trainer = initialLayout is not null
                ? await DistributedTrainer.ConnectAsync(initialLayout, trainer.TrainerOptions(), cancellation).ConfigureAwait(false)
                : await trainer.ConnectToLiveWorkersAsync(cancellation).ConfigureAwait(false);
            if (trainer._store?.Latest() is { } saved)
            {
                saved.CheckFits(options.Problem.LayerCount, options.Trainer.Seed, trainer._store.PathOf(saved.Step));
                var clock = Stopwatch.StartNew();
                await trainer._trainer.RestoreAsync(saved.Step, saved.Tensors, cancellation).ConfigureAwait(false);
                trainer._checkpoint = saved;
                trainer.Decide(saved.Step, DecisionKind.Resumed, $"resumed from {trainer._store.PathOf(saved.Step)}: {saved.Step} steps done", clock.Elapsed.TotalSeconds);
            }
            else
                await trainer.CheckpointAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    /// <summary>
    /// Trains until <paramref name="steps"/> steps are done in all, asking <paramref name="batches"/> for batch i at step i.
    /// Steps after the last checkpoint are run again after a failure (and <paramref name="stepDone"/> hears them again).
    /// Returns the last step's result, or null when nothing was left to do.
    /// </summary>
    /// <exception cref="RecoveryFailedException">A worker died and no plan fits the surviving nodes (the message names the dead nodes).</exception>
    /// <exception cref="DistributedStageException">A worker refused a frame or failed without dying: not something re-planning can fix.</exception>
    public async Task<DistributedStepResult?> TrainAsync(IBatchSource batches, long steps, Action<long, DistributedStepResult>? stepDone = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        DistributedStepResult? last = null;
        while (_trainer.CompletedSteps < steps)
        {
            var step = _trainer.CompletedSteps;
            try
            {
                var (inputs, labels) = batches.Batch(step);
                using (inputs)
                using (labels)
                    last = await _trainer.StepAsync(inputs, labels, cancellation).ConfigureAwait(false);
                stepDone?.Invoke(step, last);
                if (_drift?.Observe(last) is { } ratios) await ConsiderDriftAsync(ratios, last.Paths, cancellation).ConfigureAwait(false);
                if (_trainer.CompletedSteps % _options.CheckpointEvery == 0 && _checkpoint.Step != _trainer.CompletedSteps)
                    await CheckpointAsync(cancellation).ConfigureAwait(false);
                if (_options.RejoinEvery > 0 && _trainer.CompletedSteps % _options.RejoinEvery == 0 && _trainer.CompletedSteps < steps)
                    await ConsiderRejoinAsync(cancellation).ConfigureAwait(false);
            }
            catch (WorkerUnreachableException e)
            {
                await RecoverAsync(step, e.DeadWorkers, e, cancellation).ConfigureAwait(false);
            }
            catch (DistributedStageException e) when (!cancellation.IsCancellationRequested)
            {
                // A checkpoint or a switch of plans failed: recover if a worker died, otherwise it is not ours to fix.
                var dead = await DeadAmongAsync(_live.Values.Distinct()).ConfigureAwait(false);
                if (dead.Count == 0) throw;
                await RecoverAsync(_trainer.CompletedSteps, dead, e, cancellation).ConfigureAwait(false);
            }
        }
        return last;
    }

    /// <summary>Plans on the nodes whose workers answer and connects; workers dead at start are dropped (and logged) like later ones.</summary>
    private async Task<DistributedTrainer> ConnectToLiveWorkersAsync(CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                return await DistributedTrainer.ConnectAsync(PlanOnSurvivorsOrFail().Layout, TrainerOptions(), cancellation).ConfigureAwait(false);
            }
            catch (DistributedStageException e) when (!cancellation.IsCancellationRequested)
            {
                var dead = await DeadAmongAsync(_live.Values.Distinct()).ConfigureAwait(false);
                if (dead.Count == 0) throw; // a worker refused its segment: its message says why
                var nodes = _live.Where(p => dead.Contains(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
                // The first failure is kept: a refused TLS handshake looks like a dead worker, and its status says so.
                if (nodes.Length == _live.Count)
                    throw new RecoveryFailedException("no worker answers: " + string.Join(", ", _live.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) +
                        $"; start the workers or correct their addresses (first failure: {e.Message.ReplaceLineEndings(" ")})", new HashSet<string>(_live.Keys));
                foreach (var node in nodes) Drop(node);
                _network = NetworkChanges.Without(_network, _dead);
                Decide(0, DecisionKind.Recovered, $"at start: worker(s) {string.Join(", ", dead)} (node(s) {string.Join(", ", nodes)}) do not answer; planning without them", 0);
            }
        }
    }

    private void Drop(string node)
    {
        _deadWorkers[node] = _live[node];
        _live.Remove(node);
        _dead.Add(node);
        _declined.Clear();
    }

    /// <summary>
    /// Pings the workers of dead nodes; those that answer again are offered back: a plan with them is made and taken
    /// (through the last checkpoint, as after a failure) when its T is better than the running plan's by the drift
    /// options' minimum gain. Either way the decision is logged.
    /// </summary>
    private async Task ConsiderRejoinAsync(CancellationToken cancellation)
    {
        var offered = _deadWorkers.Where(p => !_declined.Contains(p.Key)).ToArray();
        if (offered.Length == 0) return;
        var silent = await DeadAmongAsync(offered.Select(p => p.Value).Distinct()).ConfigureAwait(false);
        var back = offered.Where(p => !silent.Contains(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        if (back.Length == 0) return;
        var clock = Stopwatch.StartNew();
        var step = _trainer.CompletedSteps;
        var names = string.Join(", ", back.Select(p => p.Key));
        var workers = string.Join(", ", back.Select(p => p.Value).Distinct());
        var stillDead = new HashSet<string>(_dead.Except(back.Select(p => p.Key)), StringComparer.Ordinal);
        var network = NetworkChanges.Restored(_options.Problem.Network, _network, stillDead);
        var computing = new HashSet<string>(_live.Keys.Concat(back.Select(p => p.Key)), StringComparer.Ordinal);
        var problem = new PlanningProblem(_options.Problem.Model, network.WithComputeOnly(computing), _options.Problem.Job);
        var oldLatency = _trainer.Layout.FormulaSeconds();
        Plan plan;
        try
        {
            plan = Planner.Plan(problem, _options.Planner);
        }
        catch (InfeasiblePlanException e)
        {
            _declined.UnionWith(back.Select(p => p.Key));
            Decide(step, DecisionKind.KeptPlan, $"step {step}: worker(s) {workers} of node(s) {names} answer again, but no plan fits with them ({e.Message}); keeping the plan", 0);
            return;
        }
        var gain = 1 - plan.LatencySeconds / oldLatency;
        var margin = (_options.Drift ?? new DriftOptions()).MinimumGain;
        var verdict = string.Create(CultureInfo.InvariantCulture,
            $"step {step}: worker(s) {workers} of node(s) {names} answer again; with them the best plan's T is {plan.LatencySeconds:G4} s, the running plan's {oldLatency:G4} s ({gain:P0} better)");
        if (gain < margin)
        {
            _declined.UnionWith(back.Select(p => p.Key));
            Decide(step, DecisionKind.KeptPlan, string.Create(CultureInfo.InvariantCulture, $"{verdict}; below the {margin:P0} margin, keeping the plan without them"), 0);
            return;
        }
        if (_checkpoint.Step != step) await CheckpointAsync(cancellation).ConfigureAwait(false);
        foreach (var (node, address) in back)
        {
            _live[node] = address;
            _dead.Remove(node);
            _deadWorkers.Remove(node);
        }
        _declined.Clear();
        _network = network;
        _trainer.Dispose();
        await ResumeFromCheckpointAsync(PipelineLayout.From(problem, plan), cancellation).ConfigureAwait(false);
        _drift?.Reset();
        Decide(step, DecisionKind.Rejoined, $"{verdict}; took them back: {Describe(plan)}, restored the checkpoint of step {_checkpoint.Step}", clock.Elapsed.TotalSeconds);
    }

    /// <summary>Drops the dead workers' nodes, re-plans on the survivors, restores the last checkpoint on the new split.</summary>
    private async Task RecoverAsync(long step, IReadOnlyList<Uri> deadWorkers, Exception cause, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var oldLatency = _trainer.Layout.FormulaSeconds();
        var lost = new List<string>();
        while (true)
        {
            var nodes = _live.Where(p => deadWorkers.Contains(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
            foreach (var node in nodes) Drop(node);
            lost.AddRange(nodes);
            _log.LogWarning("step {Step}: worker(s) {Workers} (node(s) {Nodes}) do not answer: {Cause}", step, string.Join(", ", deadWorkers),
                string.Join(", ", nodes), FirstLine((cause is WorkerUnreachableException { InnerException: { } first } ? first : cause).Message));
            _network = NetworkChanges.Without(_network, _dead);
            var (layout, plan) = PlanOnSurvivorsOrFail();
            _trainer.Dispose();
            try
            {
                await ResumeFromCheckpointAsync(layout, cancellation).ConfigureAwait(false);
            }
            catch (DistributedStageException e) when (!cancellation.IsCancellationRequested)
            {
                deadWorkers = await DeadAmongAsync(_live.Values.Distinct()).ConfigureAwait(false);
                if (deadWorkers.Count == 0) throw;
                cause = e;
                continue; // another worker died meanwhile: drop it too
            }
            _drift?.Reset();
            var replay = step > _checkpoint.Step ? $", replaying steps {_checkpoint.Step}..{step - 1}" : "";
            Decide(step, DecisionKind.Recovered, FormattableString.Invariant(
                $"step {step}: node(s) {string.Join(", ", lost)} dead; re-planned on {string.Join(", ", _live.Keys.Order(StringComparer.Ordinal))}: {Describe(plan)} (T {oldLatency:G4} s -> {plan.LatencySeconds:G4} s); restored the checkpoint of step {_checkpoint.Step}{replay}"),
                clock.Elapsed.TotalSeconds);
            return;
        }
    }

    /// <summary>Re-plans with the measured speeds; switches plans (through a checkpoint) when the new one is better by the margin.</summary>
    private async Task ConsiderDriftAsync(IReadOnlyDictionary<DriftSubject, double> ratios, IReadOnlyList<MeasuredPath> paths, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var running = _trainer.Layout;
        var pathsByName = paths.ToDictionary(p => p.Name);
        var drifted = string.Join(", ", _drift!.Drifted.OrderBy(d => d.IsLink).ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.IsLink
                ? string.Create(CultureInfo.InvariantCulture,
                    $"link {d.Name} measured at {Mbits(pathsByName[d.Name].PlannedBitsPerSecond / ratios[d])} against {Mbits(pathsByName[d.Name].PlannedBitsPerSecond)} planned")
                : string.Create(CultureInfo.InvariantCulture, $"node {d.Name} at {ratios[d]:G3}x its modeled time")));
        var nodeRatios = ratios.Where(r => !r.Key.IsLink).ToDictionary(r => r.Key.Name, r => r.Value);
        // A path's ratio applies to each of its links: sends over relays are timed end to end, so the hops cannot be told apart.
        var linkRatios = ratios.Where(r => r.Key.IsLink && pathsByName.ContainsKey(r.Key.Name))
            .SelectMany(r => pathsByName[r.Key.Name].Links.Select(l => (Link: (l.From, l.To), Ratio: r.Value)))
            .ToDictionary(l => l.Link, l => l.Ratio);
        var measured = NetworkChanges.WithMeasuredBandwidth(NetworkChanges.WithMeasuredSpeeds(running.Problem.Network, nodeRatios), linkRatios);
        var problem = new PlanningProblem(running.Problem.Model, measured, running.Problem.Job);
        var oldLatency = Objective.Latency(problem, running.Shape, running.MicroBatchSize);
        Plan plan;
        try
        {
            plan = Planner.Plan(problem, _options.Planner);
        }
        catch (InfeasiblePlanException e)
        {
            Decide(_trainer.CompletedSteps, DecisionKind.KeptPlan, $"step {_trainer.CompletedSteps}: {drifted}; no plan fits the measured speeds ({e.Message}); keeping the plan", 0);
            _drift.Reset(ratios);
            return;
        }
        var gain = 1 - plan.LatencySeconds / oldLatency;
        var verdict = string.Create(CultureInfo.InvariantCulture,
            $"step {_trainer.CompletedSteps}: {drifted}; with measured speeds the running plan's T is {oldLatency:G4} s, the best plan's {plan.LatencySeconds:G4} s ({gain:P0} better)");
        if (gain < _options.Drift!.MinimumGain)
        {
            Decide(_trainer.CompletedSteps, DecisionKind.KeptPlan, $"{verdict}; below the {_options.Drift.MinimumGain:P0} margin, keeping the plan", 0);
            _drift.Reset(ratios);
            return;
        }
        await CheckpointAsync(cancellation).ConfigureAwait(false);
        _network = measured;
        var layout = PipelineLayout.From(problem, plan);
        _trainer.Dispose();
        await ResumeFromCheckpointAsync(layout, cancellation).ConfigureAwait(false);
        _drift.Switched();
        _declined.Clear();
        Decide(_checkpoint.Step, DecisionKind.Replanned, $"{verdict}; switched to {Describe(plan)}", clock.Elapsed.TotalSeconds);
    }

    private async Task CheckpointAsync(CancellationToken cancellation)
    {
        var (step, tensors) = await _trainer.GetStateAsync(cancellation).ConfigureAwait(false);
        var layout = _trainer.Layout;
        _checkpoint = new Checkpoint(step, _options.Trainer.Seed, layout.Problem.LayerCount, layout.MicroBatchSize,
            layout.ComputeStages.Select(s => new CheckpointSegment(s.Id, s.Ref.FirstLayer, s.Ref.LastLayer)).ToArray(), tensors);
        if (_store is not null)
        {
            var path = _store.Save(_checkpoint);
            _log.LogDebug("checkpoint of step {Step} written to {Path}", step, path);
        }
    }

    private (PipelineLayout Layout, Plan Plan) PlanOnSurvivors()
    {
        var computing = new HashSet<string>(_live.Keys, StringComparer.Ordinal);
        var problem = new PlanningProblem(_options.Problem.Model, _network.WithComputeOnly(computing), _options.Problem.Job);
        var plan = Planner.Plan(problem, _options.Planner);
        return (PipelineLayout.From(problem, plan), plan);
    }

    private (PipelineLayout Layout, Plan Plan) PlanOnSurvivorsOrFail()
    {
        try
        {
            return PlanOnSurvivors();
        }
        catch (InfeasiblePlanException e)
        {
            throw new RecoveryFailedException($"no plan can continue without the dead node(s) {string.Join(", ", _dead.Order(StringComparer.Ordinal))}: {e.Message}", _dead, e);
        }
    }

    private DistributedTrainerOptions TrainerOptions() => _options.Trainer with { Workers = new Dictionary<string, Uri>(_live) };

    private async Task<IReadOnlyList<Uri>> DeadAmongAsync(IEnumerable<Uri> workers)
    {
        var clients = workers.Select(w => new StageClient(w, _options.Trainer.Token, _options.Trainer.Client)).ToArray();
        try
        {
            return await DistributedTrainer.UnreachableAsync(clients, _options.Trainer.HeartbeatTimeout).ConfigureAwait(false);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private void Decide(long step, DecisionKind kind, string message, double seconds)
    {
        var decision = new TrainingDecision(step, kind, seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{message} ({seconds:F2} s)") : message, seconds);
        _decisions.Add(decision);
        _log.LogInformation("{Decision}", decision.Message);
        _options.Decided?.Invoke(decision);
    }

    /// <summary>
    /// Connects to the workers of <paramref name="layout"/> and restores every segment from the last checkpoint: how a
    /// recovery, a drift switch and a rejoin all move to a new plan (the previous trainer is disposed by the caller).
    /// </summary>
    private async Task ResumeFromCheckpointAsync(PipelineLayout layout, CancellationToken cancellation)
    {
        _trainer = await DistributedTrainer.ConnectAsync(layout, TrainerOptions(), cancellation).ConfigureAwait(false);
        await _trainer.RestoreAsync(_checkpoint.Step, _checkpoint.Tensors, cancellation).ConfigureAwait(false);
    }

    private static string Describe(Plan plan) => string.Join(" ", plan.Segments.Select(s => $"{s.Node}[{s.FirstLayer}..{s.LastLayer}]")) +
        $", {plan.MicroBatches} micro-batch(es) of {plan.MicroBatchSize}";

    private static string Mbits(double bitsPerSecond) => string.Create(CultureInfo.InvariantCulture, $"{bitsPerSecond / 1e6:G3} Mbit/s");

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Closes the connections to the workers.</summary>
    public void Dispose() => _trainer?.Dispose();
}
