using System.Diagnostics;
using System.Text;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>A `hopsplit worker` process on a free loopback port, started and stopped by a test; disposing kills it.</summary>
internal sealed class ToolWorker : IDisposable
{
    private const string ListeningPrefix = "hopsplit worker listening on ";
    private readonly Process _process;
    private readonly StringBuilder _log;

    private ToolWorker(Process process, StringBuilder log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts a worker on <paramref name="application"/> (the Digits build output by default) and waits until it listens.</summary>
    public static async Task<ToolWorker> StartAsync(string tokenFile, string? application = null)
    {
        var process = HopsplitTool.Start("worker", "--assembly", application ?? HopsplitTool.DigitsApplication, "--listen", "http://127.0.0.1:0", "--token-file", tokenFile);
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null) return;
            lock (log) log.AppendLine(line);
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal)) listening.TrySetResult(new Uri(line[ListeningPrefix.Length..]));
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new ToolWorker(process, log, await listening.Task.WaitAsync(TimeSpan.FromSeconds(120)));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            lock (log) throw new TimeoutException($"hopsplit worker did not listen within 120 s: {log}");
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stopping the worker would, and returns its exit code.</summary>
    public int Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(20)), $"the worker did not stop on SIGTERM: {Log}");
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
