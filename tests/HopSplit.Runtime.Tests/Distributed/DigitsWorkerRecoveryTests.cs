using System.Diagnostics;
using HopSplit.Distributed;
using HopSplit.Distributed.Protocol;
using HopSplit.Distributed.Recovery;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using TorchSharp;
using Xunit.Abstractions;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// Four `digits worker` processes on loopback; the worker of the plan's last segment is killed (Process.Kill) while
/// DigitNet trains. Training completes on the survivors with the weights the in-process trainer reaches without failing.
/// </summary>
public class DigitsWorkerRecoveryTests(ITestOutputHelper output)
{
    const int BatchSize = 16;
    const int Steps = 6;

    [Fact]
    public async Task A_killed_digits_worker_process_is_survived_with_the_weights_of_a_run_that_never_failed()
    {
        var clock = Stopwatch.StartNew();
        // 15 ms a pass on every worker, so that a step lasts long enough to be killed in the middle of.
        using var group = await DigitsWorkerGroup.StartAsync(4, "--compute-delay-ms", "15");
        output.WriteLine($"4 workers listening after {clock.Elapsed.TotalSeconds:F1} s");
        string[] ids = ["sensor", "gateway", "edge", "cloud"];
        var problem = new PlanningProblem(DigitNet.Costs, DigitsNetwork.Network, new TrainingJob(BatchSize));
        var log = new CapturedLog();
        using var trainer = await ResilientTrainer.StartAsync(new ResilientTrainerOptions
        {
            Problem = problem,
            Trainer = DigitsWorkerProcessTests.Options(group.Assign(ids), seed: 7, ScheduleKind.OneFOneB),
            Logger = log.CreateLogger("coordinator"),
        });
        var initial = trainer.Layout;
        var victim = initial.ComputeStages.Last().Id;
        output.WriteLine($"plan {string.Join(" ", initial.ComputeStages.Select(s => $"{s.Id}[{s.Ref.FirstLayer}..{s.Ref.LastLayer}]"))}, b = {initial.MicroBatchSize}; killing {victim} during step 3");
        Assert.NotEqual("sensor", victim);
        // The reference starts from the workers' initial weights: the first checkpoint's parameters.
        var initialWeights = trainer.LastCheckpoint.Tensors.Where(t => t.Key.Slot == StateSlot.Parameter)
            .ToDictionary(t => (t.Key.Layer, t.Key.Name), t => torch.tensor(t.Value.ToDoubles().Select(v => (float)v).ToArray(), t.Value.Shape.ToArray()));
        using var reference = new DigitsReference(initialWeights, initial, ScheduleKind.OneFOneB);
        foreach (var tensor in initialWeights.Values) tensor.Dispose();

        var (images, labels) = DigitsReference.Data(BatchSize, Steps, seed: 5);
        using (images)
        using (labels)
        {
            var batches = new BatchSource(i => (images.narrow(0, i * BatchSize, BatchSize), labels.narrow(0, i * BatchSize, BatchSize)));
            Task? killing = null;
            double? killedAt = null;
            await trainer.TrainAsync(batches, Steps, (step, result) =>
            {
                output.WriteLine($"step {step}: loss {result.Loss:F6}, {result.WallSeconds * 1e3:F0} ms");
                if (step != 2 || killing is not null) return;
                killing = Task.Run(async () =>
                {
                    await Task.Delay(250);
                    group.Workers[Array.IndexOf(ids, victim)].Kill();
                    killedAt = clock.Elapsed.TotalSeconds;
                });
            });
            await killing!;
            foreach (var line in log.Lines) output.WriteLine(line);
            var recovered = Assert.Single(trainer.Decisions, d => d.Kind == DecisionKind.Recovered);
            output.WriteLine($"killed at {killedAt:F2} s; recovery (re-plan, reconnect, restore) took {recovered.Seconds:F2} s");
            Assert.Contains(victim, trainer.DeadNodes);
            Assert.DoesNotContain(victim, trainer.Layout.ComputeStages.Select(s => s.Id));
            Assert.Equal(Steps, trainer.Trainer.CompletedSteps);
            reference.Train(images, labels, BatchSize, Steps);
        }
        var compared = reference.SameWeightsAs(await trainer.Trainer.GetWeightsAsync());
        output.WriteLine($"{compared} weights equal the never-failing in-process run; {clock.Elapsed.TotalSeconds:F1} s in all");
    }
}
