using BenchmarkDotNet.Running;
using HopSplit.Benchmarks;

// `dotnet run -c Release --project tests/HopSplit.Benchmarks -- pruning` prints how many shortest-path
// runs the threshold pruning saves; `-- quick` times the fixed-b solve on the 200-layer instances
// (wall and CPU medians of 5 runs, plus machine-independent search states); `-- profile 200 64 EdgeHierarchy`
// lists every search of one solve with its states and time; `-- cold 200 64 EdgeHierarchy` times the first
// twelve solves of a fresh process (JIT included, as `hopsplit plan` pays it); `-- joint-detail 200 64
// EdgeHierarchy` lists the exact joint mode's candidate b with their bounds, optima and solve times;
// anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args.Length > 0 && args[0] == "pruning")
{
    PruningReport.Print(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "quick")
{
    QuickTiming.Print(Console.Out);
    return 0;
}
if (args.Length > 0 && args[0] == "profile")
{
    // profile [layers] [nodes] [EdgeHierarchy|RandomMesh] [Fixed|Alternating|ExactJoint]
    SolveProfile.Print(Console.Out, args.Length > 1 ? int.Parse(args[1]) : 200, args.Length > 2 ? int.Parse(args[2]) : 64,
        args.Length > 3 ? Enum.Parse<NetworkFamily>(args[3]) : NetworkFamily.EdgeHierarchy,
        args.Length > 4 ? Enum.Parse<SolveProfile.Mode>(args[4]) : SolveProfile.Mode.Fixed);
    return 0;
}
if (args.Length > 0 && args[0] == "cold")
{
    // cold [layers] [nodes] [family]: the first solves in a fresh process, as `hopsplit plan` runs them (JIT included).
    var problem = SyntheticInstances.Create(int.Parse(args[1]), int.Parse(args[2]), Enum.Parse<NetworkFamily>(args[3]));
    var times = new List<string>();
    for (var i = 0; i < 12; i++)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        new HopSplit.Planning.Solver.MspSolver(problem).Solve(8);
        watch.Stop();
        process.Refresh();
        times.Add($"{watch.Elapsed.TotalMilliseconds:0}/{(process.TotalProcessorTime - cpu).TotalMilliseconds:0}");
    }
    Console.WriteLine($"solves 1 to 12 (wall/CPU ms): {string.Join(" ", times)}");
    return 0;
}
if (args.Length > 0 && args[0] == "joint-detail")
{
    JointDetail.Print(Console.Out, int.Parse(args[1]), int.Parse(args[2]), Enum.Parse<NetworkFamily>(args[3]));
    return 0;
}
if (args.Length > 0 && args[0] == "generator-quick")
{
    // generator-quick [runs]: the generator benchmarks' cases, this build and HOPSPLIT_BASELINE_GENERATORS alternately.
    GeneratorTiming.Print(Console.Out, args.Length > 1 ? int.Parse(args[1]) : 21);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(PlannerBenchmarks).Assembly).Run(args);
return 0;
