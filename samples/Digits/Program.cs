using HopSplit.Planning;
using HopSplit.Planning.Model;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Synthetic;

// Placeholder until the runtime trains over the emulated network: make the data, plan, print the plan.
const int batchSize = 64;
GlibcHeap.KeepLargeBlocks(); // before any tensor: steady libtorch pass times on Linux
var train = SyntheticDigits.Generate(10_000, seed: 1);
var test = SyntheticDigits.Generate(2_000, seed: 2);
Console.WriteLine($"Synthetic digits: {train.Count} for training, {test.Count} for testing.");

var job = new TrainingJob(batchSize);
var plan = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, job);
var sequential = Planner.Plan(DigitNet.Costs, DigitsNetwork.Network, job, new PlannerOptions(PlanningAlgorithm.Sequential));
PlanPrinter.Write(Console.Out, plan, sequential, DigitNet.Costs);
