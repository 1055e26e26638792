using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;

// Placeholder until the runtime trains over the emulated network: load the data, plan, print the plan.
const int batchSize = 64;
GlibcHeap.KeepLargeBlocks(); // before any tensor: steady libtorch pass times on Linux
DigitsDataset data;
try
{
    data = DigitsDataset.FromArguments(args);
}
catch (Exception e) when (e is ArgumentException or IOException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
Console.WriteLine($"{data.Description}: {data.Train.Count} images for training, {data.Test.Count} for testing.");

var job = new TrainingJob(batchSize);
var plan = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, job);
var sequential = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, job, new PlannerOptions(PlanningAlgorithm.Sequential));
PlanPrinter.Write(Console.Out, plan, sequential, DigitNet.Costs);
return 0;
