using HopSplit.Samples.ModelZoo;

// Plan VGG-16 or ResNet-18 over a five-hop edge-to-cloud network and simulate the plan.
return ModelZooApp.Run(args, Console.Out, Console.Error);
