using HopSplit.Samples.ModelZoo;

namespace HopSplit.Samples.Tests.ModelZoo;

/// <summary>The sample's entry point run on captured writers: what <c>dotnet run --project samples/ModelZoo -- ARGS</c> prints.</summary>
public sealed record ZooRun(int ExitCode, string Output, string Error)
{
    public static ZooRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ModelZooApp.Run(args, output, error);
        return new ZooRun(code, output.ToString(), error.ToString());
    }
}
