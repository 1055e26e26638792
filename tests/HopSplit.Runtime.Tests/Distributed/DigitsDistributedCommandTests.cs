using HopSplit.Samples.Digits;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>The sample's worker and coordinator commands explain a user's mistake in one line and exit with 1.</summary>
public class DigitsDistributedCommandTests
{
    static (int Code, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DigitsApp.Run(args, output, error, interactive: false);
        return (code, error.ToString());
    }

    [Fact]
    public void A_worker_without_a_readable_token_file_says_so()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-token-{Guid.NewGuid():N}");
        var (code, error) = Run("worker", "--listen", "http://127.0.0.1:0", "--token-file", missing);
        Assert.Equal(DigitsApp.InvalidInput, code);
        Assert.StartsWith($"error: cannot read the token file {missing}", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_worker_refuses_a_short_token_and_a_non_http_address()
    {
        var file = Path.Combine(Path.GetTempPath(), $"short-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, "secret\n");
        try
        {
            var (code, error) = Run("worker", "--token-file", file);
            Assert.Equal(DigitsApp.InvalidInput, code);
            Assert.Equal($"error: the token file {file}: the token has 6 characters; use at least 16 (a random one, e.g. from openssl rand -hex 32)", error.Trim());

            File.WriteAllText(file, DistributedFixtures.Token.Value);
            (code, error) = Run("worker", "--token-file", file, "--listen", "https://127.0.0.1:5005");
            Assert.Equal(DigitsApp.InvalidInput, code);
            Assert.Equal("error: --listen https://127.0.0.1:5005/ is https: give the worker's certificate with --tls-cert (and --tls-key), or listen on http://", error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("sensor", "--workers: 'sensor' is not id=http://host:port (or id=https://host:port with TLS)")]
    [InlineData("sensor=http://127.0.0.1:1,sensor=http://127.0.0.1:2", "--workers: node sensor is given twice")]
    // Only nodes with a worker compute (the plan is sensor, gateway); workers that do not answer at start are named.
    [InlineData("sensor=http://127.0.0.1:1,gateway=http://127.0.0.1:2", "no worker answers: gateway=http://127.0.0.1:2/, sensor=http://127.0.0.1:1/; start the workers or correct their addresses")]
    public void The_coordinator_names_what_is_wrong_with_workers(string workers, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"token-{Guid.NewGuid():N}");
        File.WriteAllText(file, DistributedFixtures.Token.Value);
        try
        {
            var (code, error) = Run("train-remote", "--workers", workers, "--token-file", file, "--steps", "1", "--wait-for-workers", "0.5");
            Assert.Equal(DigitsApp.InvalidInput, code);
            Assert.StartsWith($"error: {expected}", error.Trim());
            Assert.Single(error.Trim().Split('\n'));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--rejoin-every", "-1", "error: --rejoin-every -1 must be 0 (never) or a number of steps")]
    [InlineData("--wait-for-workers", "-2", "error: --wait-for-workers -2 must be between 0 and 3600 seconds")]
    public void The_coordinator_refuses_a_negative_interval(string option, string value, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"token-{Guid.NewGuid():N}");
        File.WriteAllText(file, DistributedFixtures.Token.Value);
        try
        {
            var (code, error) = Run("train-remote", "--workers", "sensor=http://127.0.0.1:1", "--token-file", file, option, value, "--routing", "direct");
            Assert.Equal(DigitsApp.InvalidInput, code);
            Assert.Equal(expected, error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
