using System.Diagnostics;

namespace HopSplit.Packaging.Tests;

/// <summary>Runs a dotnet CLI command (or another program) and returns its exit code and output.</summary>
internal static class DotNet
{
    public sealed record Result(int ExitCode, string Output)
    {
        public void AssertSucceeded(string what) => Assert.True(ExitCode == 0, $"{what} failed with exit code {ExitCode}:\n{Output}");
    }

    public static Result Run(string workingDirectory, params string[] args) => Exec("dotnet", workingDirectory, args);

    public static Result Exec(string program, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, output.Result + error.Result);
    }
}
