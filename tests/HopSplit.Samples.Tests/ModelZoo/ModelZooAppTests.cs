using System.Text.Json;
using HopSplit.Planning;
using HopSplit.Planning.Costs;
using HopSplit.Planning.Model;
using HopSplit.Planning.Simulation;
using HopSplit.Samples.ModelZoo;

namespace HopSplit.Samples.Tests.ModelZoo;

/// <summary>The sample's output is the planner's plan and the simulator's times for the generated cost tables.</summary>
public class ModelZooAppTests
{
    [Theory]
    [InlineData("vgg16", 32)]
    [InlineData("resnet18", 32)]
    [InlineData("resnet18", 20)]
    public void Json_is_the_planners_plan_and_the_simulated_schedules(string key, int batch)
    {
        var run = ZooRun.Of(key, "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var json = JsonDocument.Parse(run.Output).RootElement;

        var model = ZooModel.Named(key);
        var problem = new PlanningProblem(model.Costs, EdgeToCloud.Network, new TrainingJob(batch));
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequential = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));

        Assert.Equal(model.CostTable.Count, json.GetProperty("layers").GetInt32());
        Assert.Equal(model.Parameters, json.GetProperty("parameters").GetDouble());
        var planJson = json.GetProperty("plan");
        Assert.Equal(plan.Path, planJson.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(plan.MicroBatchSize, planJson.GetProperty("microBatchSize").GetInt32());
        Assert.Equal(plan.MicroBatches, planJson.GetProperty("microBatches").GetInt32());
        Assert.Equal(plan.LatencySeconds, planJson.GetProperty("latencySeconds").GetDouble());
        Assert.Equal(plan.Segments.Select(s => (s.Node, s.FirstLayer, s.LastLayer)),
            planJson.GetProperty("segments").EnumerateArray().Select(s =>
                (s.GetProperty("node").GetString()!, s.GetProperty("firstLayer").GetInt32(), s.GetProperty("lastLayer").GetInt32())));
        Assert.Equal(sequential.LatencySeconds, json.GetProperty("sequentialLatencySeconds").GetDouble());

        // Pipelining pays on this network: the plan splits the model over at least two nodes and beats sequential split learning.
        Assert.True(plan.Segments.Count >= 2, $"{key}: one segment");
        Assert.True(json.GetProperty("predictedSpeedup").GetDouble() > 1.2, $"{key}: predicted speedup {json.GetProperty("predictedSpeedup")}");

        var workload = PipelineWorkload.FromPlan(problem, plan);
        var bound = json.GetProperty("lowerBoundSeconds").GetDouble();
        Assert.Equal(PipelineLowerBound.Of(workload).Seconds, bound);
        var schedules = json.GetProperty("schedules").EnumerateArray().ToArray();
        Assert.Equal(["gpipe", "1f1b"], schedules.Select(s => s.GetProperty("schedule").GetString()));
        foreach (var (schedule, element) in new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB }.Zip(schedules))
        {
            var makespan = element.GetProperty("makespanSeconds").GetDouble();
            Assert.Equal(PipelineSimulator.Run(workload, schedule).MakespanSeconds, makespan);
            Assert.InRange(makespan, bound * (1 - 1e-12), double.MaxValue);
            // One micro-batch: sequential split learning's makespan is its formula T under either schedule.
            Assert.Equal(sequential.LatencySeconds, element.GetProperty("sequentialSeconds").GetDouble(), 1e-9);
            Assert.Equal(sequential.LatencySeconds / makespan, element.GetProperty("speedup").GetDouble(), 1e-9);
        }
    }

    [Fact]
    public void Text_names_the_model_its_layers_the_plan_and_the_numbers()
    {
        var run = ZooRun.Of("vgg16");
        Assert.Equal(0, run.ExitCode);
        var model = ZooModel.Named("vgg16");
        var problem = new PlanningProblem(model.Costs, EdgeToCloud.Network, new TrainingJob(32));
        var plan = Planner.Plan(problem, new PlannerOptions());
        var sequential = Planner.Plan(problem, new PlannerOptions(PlanningAlgorithm.Sequential));
        var workload = PipelineWorkload.FromPlan(problem, plan);

        Assert.StartsWith("VGG-16: 40 layers, 138,357,544 parameters, 30.97 GFLOP forward per sample", run.Output);
        foreach (var row in model.CostTable) Assert.Contains($" {row.Name} ", run.Output);
        Assert.Contains(ZooTextReport.PlanLine(plan), run.Output);
        Assert.Contains($"{plan.MicroBatches} micro-batches of {plan.MicroBatchSize}: predicted {ZooTextReport.Seconds(plan.LatencySeconds)}", run.Output);
        Assert.Contains($"Sequential split learning: {ZooTextReport.Seconds(sequential.LatencySeconds)}", run.Output);
        Assert.Contains(ZooTextReport.Speedup(sequential.LatencySeconds / plan.LatencySeconds) + " faster", run.Output);
        Assert.Contains(ZooTextReport.Seconds(PipelineLowerBound.Of(workload).Seconds), run.Output);
        foreach (var schedule in new[] { ScheduleKind.GPipe, ScheduleKind.OneFOneB })
        {
            var line = Assert.Single(run.Output.Split('\n'), l => l.TrimStart('│', '|', ' ').StartsWith(ScheduleNames.Name(schedule) + " ", StringComparison.Ordinal));
            Assert.Contains(ZooTextReport.Seconds(PipelineSimulator.Run(workload, schedule).MakespanSeconds), line);
        }
        foreach (var segment in plan.Segments)
            Assert.Contains($"{segment.FirstLayer}..{segment.LastLayer} ({model.Costs.Layers[segment.FirstLayer].Name} .. {model.Costs.Layers[segment.LastLayer].Name})", run.Output);
    }

    [Fact]
    public void Bad_arguments_and_infeasible_batches_exit_with_a_message_that_says_what_to_change()
    {
        var zero = ZooRun.Of("resnet18", "--batch", "0");
        Assert.Equal(ModelZooApp.InvalidInput, zero.ExitCode);
        Assert.Contains("--batch must be at least 1", zero.Error);

        var unknown = ZooRun.Of("alexnet");
        Assert.Equal(ModelZooApp.InvalidInput, unknown.ExitCode);
        Assert.Contains("alexnet", unknown.Error);

        // VGG-16's first convolution on a mini-batch of 4096 needs far more than the camera's 2 GiB.
        var huge = ZooRun.Of("vgg16", "--batch", "4096");
        Assert.Equal(ModelZooApp.Infeasible, huge.ExitCode);
        Assert.Contains("node 'camera'", huge.Error);
        Assert.Contains("Try a smaller --batch", huge.Error);
        Assert.DoesNotContain("   at ", huge.Error);
    }
}
