return HopSplit.Cli.HopSplitApp.Run(args, Console.Out, Console.Error);
