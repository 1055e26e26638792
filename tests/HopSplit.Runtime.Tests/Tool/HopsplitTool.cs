using System.Diagnostics;
using System.Reflection;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>The hopsplit tool run as its own process, and the Digits sample's build output it works on.</summary>
internal static class HopsplitTool
{
    /// <summary>The Digits sample's built application (samples/Digits/bin/...; built first, see the csproj).</summary>
    public static string DigitsApplication => Metadata("DigitsApplication");

    /// <summary>The repository's root folder, five levels above the Digits build output (samples/Digits/bin/Release/net10.0).</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(DigitsApplication)!, "..", "..", "..", "..", ".."));

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"hopsplit {string.Join(' ', args)} did not finish in 2 minutes");
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts the tool with its output redirected; the caller reads it and waits.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Metadata("HopSplitTool"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private static string Metadata(string key) => Path.GetFullPath(typeof(HopsplitTool).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
}
