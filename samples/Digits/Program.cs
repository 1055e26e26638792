using HopSplit.Samples.Digits;

// The main job of HopSplit's README: train DigitNet pipelined over an emulated multi-hop network.
return DigitsApp.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
