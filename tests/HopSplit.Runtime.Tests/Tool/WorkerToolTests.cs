using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>
/// `hopsplit worker` processes on loopback, each hosting DigitNet from the Digits sample's build output, driven by
/// `hopsplit train --workers`: the same losses as the in-process run from the same seed and data.
/// </summary>
public class WorkerToolTests
{
    private const string Token = "tool-test-token-0123456789abcdef";

    [Fact]
    public async Task Three_tool_workers_train_the_plan_to_the_in_process_losses_and_stop_on_SIGTERM()
    {
        using var tokenFile = new TempFile(Token + "\n");
        // Batch 64: the plan uses sensor, gateway and edge (the sample's main plan), so three workers take part.
        string[] job = ["train", "--assembly", HopsplitTool.DigitsApplication, "--batch", "64", "--steps", "3", "--schedule", "1f1b", "--json"];
        var workers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ToolWorker.StartAsync(tokenFile.Path)));
        try
        {
            var list = $"sensor={workers[0].Address},gateway={workers[1].Address},edge={workers[2].Address}";
            var (code, output, error) = HopsplitTool.Run([.. job, "--workers", list, "--token-file", tokenFile.Path]);
            Assert.True(code == 0, error + output + string.Concat(workers.Select(w => w.Log)));
            using var remote = JsonDocument.Parse(output);
            var training = remote.RootElement.GetProperty("training");
            Assert.Equal("workers", training.GetProperty("mode").GetString());
            var assigned = training.GetProperty("workers").EnumerateArray().ToArray();
            Assert.Equal(["sensor", "gateway", "edge"], assigned.Select(w => w.GetProperty("node").GetString()));
            Assert.Equal(workers.Select(w => w.Address.ToString()), assigned.Select(w => w.GetProperty("address").GetString()));
            Assert.True(training.GetProperty("measuredWallSeconds").GetDouble() > 0);
            Assert.InRange(training.GetProperty("testAccuracy").GetDouble(), 0, 1);
            Assert.All(workers, w => Assert.Contains("Hosting stage", w.Log));

            // The same job in one process: every worker built the model from the same seed, so the losses agree.
            var (localCode, localOutput, localError) = HopsplitTool.Run(job);
            Assert.True(localCode == 0, localError + localOutput);
            using var local = JsonDocument.Parse(localOutput);
            var expected = local.RootElement.GetProperty("training").GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
            var actual = training.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
            Assert.Equal(3, actual.Length);
            for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4);
            Assert.Equal("relay", training.GetProperty("routing").GetString());

            // Direct routing: the workers send to each other, with the same arithmetic in the same order, so the same losses.
            var (directCode, directOutput, directError) = HopsplitTool.Run([.. job, "--workers", list, "--token-file", tokenFile.Path, "--routing", "direct"]);
            Assert.True(directCode == 0, directError + directOutput + string.Concat(workers.Select(w => w.Log)));
            using var direct = JsonDocument.Parse(directOutput);
            var directTraining = direct.RootElement.GetProperty("training");
            Assert.Equal("direct", directTraining.GetProperty("routing").GetString());
            Assert.Equal(actual, directTraining.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray());

            // A coordinator with another token is refused by the workers: exit code 3, naming the stage and worker.
            using var wrongToken = new TempFile("another-token-0123456789abcdef");
            Assert.Matches(@"^error: node (sensor|gateway|edge) \(stage \d\) on worker http://127\.0\.0\.1:\d+/ failed in assigning it: Unauthenticated: .*\(the worker was started with another token than --token-file holds\)$",
                TrainToolTests.RefusedLine([.. job[1..^1], "--workers", list, "--token-file", wrongToken.Path], exitCode: 3));

            Assert.All(workers, w => Assert.Equal(0, w.Terminate()));
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
    }

    [Fact]
    public void Bad_worker_lists_tokens_and_addresses_get_one_line()
    {
        using var tokenFile = new TempFile(Token);
        using var shortToken = new TempFile("short");
        string[] job = ["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--token-file", tokenFile.Path];
        TrainToolTests.AssertRefused([.. job, "--workers", "sensor=http://127.0.0.1:5101,phone=http://127.0.0.1:5102"],
            "error: --workers: node 'phone' is not in the network (its nodes: sensor, gateway, edge, cloud)");
        TrainToolTests.AssertRefused([.. job, "--workers", "sensor=http://127.0.0.1:5101"],
            "error: --workers: the plan runs layers on gateway but no worker is given for it; add gateway=http://HOST:PORT");
        TrainToolTests.AssertRefused([.. job, "--workers", "sensor=ftp://127.0.0.1:5101"], "error: --workers: 'sensor=ftp://127.0.0.1:5101' is not id=http://host:port (or id=https://host:port with TLS)");
        TrainToolTests.AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--token-file", shortToken.Path, "--workers", "sensor=http://127.0.0.1:5101"],
            $"error: --token-file: the token file {shortToken.Path}: the token has 5 characters; use at least 16 (a random one, e.g. from openssl rand -hex 32)");

        // The TLS flags name the flag and the file.
        var missing = Path.Combine(Path.GetTempPath(), $"no-certificate-{Guid.NewGuid():N}.pem");
        TrainToolTests.AssertRefused([.. job, "--workers", "sensor=https://127.0.0.1:5101,gateway=https://127.0.0.1:5102", "--tls-cert", missing],
            $"error: --tls-cert: the file {missing} does not exist");
        TrainToolTests.AssertRefused([.. job, "--workers", "sensor=http://127.0.0.1:5101,gateway=http://127.0.0.1:5102", "--server-ca", missing],
            "error: --server-ca is given but no worker in --workers is https://; give the workers' https:// addresses");
        var (httpsCode, _, httpsError) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", tokenFile.Path, "--listen", "https://127.0.0.1:0");
        Assert.Equal(1, httpsCode);
        Assert.Equal("error: --listen https://127.0.0.1:0/ is https: give the worker's certificate with --tls-cert (and --tls-key), or listen on http://", httpsError.Trim());
        var (caCode, _, caError) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", tokenFile.Path,
            "--listen", "https://127.0.0.1:0", "--tls-cert", missing);
        Assert.Equal(1, caCode);
        Assert.Equal($"error: --tls-cert: the file {missing} does not exist", caError.Trim());

        // Nobody listens on the port (within the half second waited): exit code 3, with a hint.
        var closed = ClosedPort();
        Assert.Matches(@"^error: node (sensor|gateway) \(stage \d\) on worker .* failed in assigning it: Unavailable: .*\(is a hopsplit worker running at that address\?\)$",
            TrainToolTests.RefusedLine([.. job, "--workers", $"sensor=http://127.0.0.1:{closed},gateway=http://127.0.0.1:{closed}", "--wait-for-workers", "0.5"], exitCode: 3));

        // --routing belongs to training on workers; the worker's flags for its neighbours are named like the others.
        TrainToolTests.AssertRefused(["--assembly", HopsplitTool.DigitsApplication, "--batch", "8", "--routing", "direct"], "--routing is only used with --workers");
        var (peerCode, _, peerError) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", tokenFile.Path, "--peer-key", missing);
        Assert.Equal(1, peerCode);
        Assert.Equal("error: --peer-key needs --peer-cert: the key belongs to the certificate the worker presents to its neighbours", peerError.Trim());
        (peerCode, _, peerError) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", tokenFile.Path, "--peer-ca", missing);
        Assert.Equal(1, peerCode);
        Assert.Equal($"error: --peer-ca: the file {missing} does not exist", peerError.Trim());

        var (code, _, error) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", shortToken.Path);
        Assert.Equal(1, code);
        Assert.Equal($"error: --token-file: the token file {shortToken.Path}: the token has 5 characters; use at least 16 (a random one, e.g. from openssl rand -hex 32)", error.Trim());
        (code, _, error) = HopsplitTool.Run("worker", "--assembly", HopsplitTool.DigitsApplication, "--token-file", tokenFile.Path, "--model", "Vgg");
        Assert.Equal(1, code);
        Assert.Equal("error: --model: digits has no [SplitModel] class named 'Vgg' (it has: HopSplit.Samples.Digits.DigitNet)", error.Trim());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hopsplit-token-{Guid.NewGuid():N}");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
