using System.Diagnostics;

namespace HopSplit.Docs.Tests;

/// <summary>What one ```sh block did: its exit code (null when it timed out), how long it took and its output's tail.</summary>
internal sealed record ShellBlockResult(int? ExitCode, TimeSpan Elapsed, string OutputTail)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs one ```sh block with bash (<c>set -euo pipefail</c>) in a folder, in a session of its own so that
/// everything it started, background jobs included (workers started with <c>&amp;</c>), is killed at the end.
/// </summary>
internal static class ShellBlockRunner
{
    private const int TailLines = 80;

    public static ShellBlockResult Run(MarkdownBlock block, string workingDirectory, TimeSpan timeout)
    {
        var script = Path.Combine(Path.GetTempPath(), $"hopsplit-doc-block-{Guid.NewGuid():N}.sh");
        // stderr into stdout so the tail reads in order; the block's own lines follow unchanged.
        File.WriteAllText(script, "exec 2>&1\nset -euo pipefail\n" + block.Code);
        try
        {
            return RunScript(script, workingDirectory, timeout);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static ShellBlockResult RunScript(string script, string workingDirectory, TimeSpan timeout)
    {
        // setsid: bash leads a new process group, so killing the group reaches every job it started.
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { "bash", script }) start.ArgumentList.Add(arg);
        foreach (var (name, value) in Environment) start.Environment[name] = value;

        var tail = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > TailLines) tail.Dequeue();
            }
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();   // a block that waits for input fails instead of hanging

        var finished = process.WaitForExit(timeout);
        KillGroup(process.Id);
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();           // the group is gone: the output pipes close
        clock.Stop();

        lock (tail)
        {
            if (!finished) tail.Enqueue($"[killed: still running after {timeout.TotalMinutes:F0} minutes]");
            return new ShellBlockResult(finished ? process.ExitCode : null, clock.Elapsed, string.Join('\n', tail));
        }
    }

    /// <summary>
    /// The environment of every block: no telemetry banner, and no build servers or reused MSBuild nodes that
    /// would outlive the block (they would be killed with its process group while other builds use them).
    /// </summary>
    private static readonly (string Name, string Value)[] Environment =
    [
        ("DOTNET_NOLOGO", "1"),
        ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"),
        ("MSBUILDDISABLENODEREUSE", "1"),
        ("DOTNET_CLI_USE_MSBUILD_SERVER", "0"),
        ("UseSharedCompilation", "false"),
    ];

    private static void KillGroup(int processGroup)
    {
        foreach (var signal in new[] { "-TERM", "-KILL" })
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, "--", $"-{processGroup}" }, RedirectStandardError = true })!;
            kill.WaitForExit();
            if (kill.ExitCode != 0) return;   // no process left in the group
            Thread.Sleep(TimeSpan.FromSeconds(1));
        }
    }
}
