using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// `digits worker` processes of this very application on free loopback ports, for the cluster command.
/// Disposing stops them: SIGTERM first (the worker shuts down cleanly), then a kill after a grace period.
/// Every worker also watches this process (--stop-with), so none is left behind even if this one is killed.
/// </summary>
internal sealed class WorkerProcesses : IAsyncDisposable
{
    private const string ListeningPrefix = "digits worker listening on ";
    private readonly List<Worker> _workers = new();

    public IReadOnlyList<Uri> Addresses => _workers.Select(w => w.Address!).ToArray();

    public IReadOnlyList<int> ProcessIds => _workers.Select(w => w.Process.Id).ToArray();

    /// <summary>Starts <paramref name="count"/> workers and returns once all of them listen.</summary>
    /// <exception cref="InvalidOperationException">A worker exited or did not listen in time; the message holds its output.</exception>
    /// <param name="count">How many.</param>
    /// <param name="tokenFile">The token file every worker reads.</param>
    /// <param name="listen">`--listen` and the TLS flags: an http:// or https:// loopback address with port 0.</param>
    /// <param name="timeout">How long a worker may take to listen.</param>
    /// <param name="cancellation">Stops waiting (and the workers).</param>
    public static async Task<WorkerProcesses> StartAsync(int count, string tokenFile, IReadOnlyList<string> listen, TimeSpan timeout, CancellationToken cancellation)
    {
        var processes = new WorkerProcesses();
        try
        {
            for (var i = 0; i < count; i++) processes._workers.Add(Worker.Start(tokenFile, listen));
            await Task.WhenAll(processes._workers.Select(w => w.WaitListeningAsync(timeout, cancellation)));
            return processes;
        }
        catch
        {
            await processes.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) worker.Terminate();
        await Task.WhenAll(_workers.Select(w => w.WaitOrKillAsync(TimeSpan.FromSeconds(10))));
        foreach (var worker in _workers) worker.Process.Dispose();
        _workers.Clear();
    }

    private sealed class Worker
    {
        private readonly StringBuilder _log = new();
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Worker(Process process) => Process = process;

        public Process Process { get; }

        public Uri? Address { get; private set; }

        public static Worker Start(string tokenFile, IReadOnlyList<string> listen)
        {
            // This application again: its apphost, or `dotnet digits.dll` when run through the dotnet host.
            var self = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Worker).Assembly.Location);
            foreach (var arg in new[] { "worker", "--token-file", tokenFile, "--torch-threads", "1",
                         "--stop-with", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(listen))
                start.ArgumentList.Add(arg);
            var worker = new Worker(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {self}"));
            worker.Process.OutputDataReceived += (_, e) => worker.Read(e.Data);
            worker.Process.ErrorDataReceived += (_, e) => worker.Read(e.Data);
            worker.Process.EnableRaisingEvents = true;
            worker.Process.Exited += (_, _) => worker._listening.TrySetException(
                new InvalidOperationException($"a worker exited before listening: {worker.Log}"));
            worker.Process.BeginOutputReadLine();
            worker.Process.BeginErrorReadLine();
            return worker;
        }

        private string Log
        {
            get { lock (_log) return _log.ToString().Trim(); }
        }

        private void Read(string? line)
        {
            if (line is null) return;
            lock (_log) _log.AppendLine(line);
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal)) _listening.TrySetResult(new Uri(line[ListeningPrefix.Length..]));
        }

        public async Task WaitListeningAsync(TimeSpan timeout, CancellationToken cancellation)
        {
            try
            {
                Address = await _listening.Task.WaitAsync(timeout, cancellation);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"a worker did not listen within {timeout.TotalSeconds:F0} s: {Log}");
            }
        }

        /// <summary>Asks the worker to stop (SIGTERM on Unix; elsewhere the wait below kills it).</summary>
        public void Terminate()
        {
            if (Process.HasExited) return;
            if (!OperatingSystem.IsWindows()) _ = kill(Process.Id, SigTerm);
        }

        public async Task WaitOrKillAsync(TimeSpan grace)
        {
            if (OperatingSystem.IsWindows()) grace = TimeSpan.Zero;
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
        }

        private const int SigTerm = 15;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int kill(int pid, int signal);
    }
}
