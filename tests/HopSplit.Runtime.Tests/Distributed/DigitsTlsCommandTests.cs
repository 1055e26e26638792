using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using HopSplit.Samples.Digits;
using Xunit.Abstractions;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// The sample's TLS flags: a `digits worker` process serving https with a PEM certificate and --client-ca trains for
/// `digits train-remote` holding a PKCS#12 client certificate of the same CA; a coordinator without one is refused in
/// the handshake; a missing or unusable file is named with its flag in one line.
/// </summary>
public sealed class DigitsTlsCommandTests(ITestOutputHelper output) : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("hopsplit-tls-test-").FullName;

    string PathOf(string name) => Path.Combine(_folder, name);

    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = DigitsApp.Run(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>ca.pem, worker.pem + worker.key (PEM) and coordinator.pfx (PKCS#12 with its key), of one private CA; token.txt.</summary>
    void WriteFiles()
    {
        using var authority = MutualTlsTests.Authority("digits TLS test CA");
        using var worker = MutualTlsTests.Issue(authority, "worker", server: true);
        using var coordinator = MutualTlsTests.Issue(authority, "coordinator", server: false);
        File.WriteAllText(PathOf("ca.pem"), authority.ExportCertificatePem());
        File.WriteAllText(PathOf("worker.pem"), worker.ExportCertificatePem());
        using (var key = worker.GetECDsaPrivateKey()!) File.WriteAllText(PathOf("worker.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(PathOf("coordinator.pfx"), coordinator.Export(X509ContentType.Pkcs12));
        File.WriteAllText(PathOf("token.txt"), DistributedFixtures.Token.Value + "\n");
    }

    [Fact]
    public async Task A_worker_process_with_tls_flags_trains_for_a_coordinator_with_a_client_certificate_and_refuses_one_without()
    {
        WriteFiles();
        using var worker = await DigitsWorkerProcessTests.WorkerProcess.StartAsync(DigitsWorkerProcessTests.DigitsApplication, PathOf("token.txt"),
            "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key"), "--client-ca", PathOf("ca.pem"));
        Assert.Equal("https", worker.Address.Scheme);
        var workers = $"sensor={worker.Address},gateway={worker.Address},edge={worker.Address}";

        // Without a client certificate the handshake fails: the worker is not reached, so nothing is assigned.
        var (refusedCode, _, refused) = Run("train-remote", "--workers", workers, "--token-file", PathOf("token.txt"), "--steps", "1",
            "--server-ca", PathOf("ca.pem"));
        output.WriteLine(refused);
        Assert.Equal(DigitsApp.InvalidInput, refusedCode);
        Assert.Single(refused.Trim().Split('\n'));
        // Told apart from a worker that is not running by the first failure's status (the handshake's).
        Assert.StartsWith("error: no worker answers: ", refused);
        Assert.Contains("(first failure: ", refused);
        Assert.DoesNotContain("Hosting stage", worker.Log);

        var (code, trained, error) = Run("train-remote", "--workers", workers, "--token-file", PathOf("token.txt"), "--steps", "2",
            "--tls-cert", PathOf("coordinator.pfx"), "--server-ca", PathOf("ca.pem"));
        output.WriteLine(trained);
        Assert.True(code == DigitsApp.Success, error + trained + worker.Log);
        Assert.Contains("step 2/2: loss", trained);
        Assert.Contains("Test accuracy:", trained);
        Assert.Contains("Hosting stage", worker.Log);
    }

    /// <summary>As <see cref="WriteFiles"/>, and also peer.pfx (a client certificate of the CA) and both.pem + both.key (a worker certificate that may authenticate a client too).</summary>
    void WritePeerFiles()
    {
        using var fresh = MutualTlsTests.Authority("digits direct TLS test CA");
        using var worker = MutualTlsTests.Issue(fresh, "worker", server: true);
        using var both = MutualTlsTests.Issue(fresh, "worker and peer", server: true, alsoClient: true);
        using var peer = MutualTlsTests.Issue(fresh, "peer", server: false);
        using var coordinator = MutualTlsTests.Issue(fresh, "coordinator", server: false);
        File.WriteAllText(PathOf("ca.pem"), fresh.ExportCertificatePem());
        File.WriteAllText(PathOf("worker.pem"), worker.ExportCertificatePem());
        using (var key = worker.GetECDsaPrivateKey()!) File.WriteAllText(PathOf("worker.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PathOf("both.pem"), both.ExportCertificatePem());
        using (var key = both.GetECDsaPrivateKey()!) File.WriteAllText(PathOf("both.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(PathOf("peer.pfx"), peer.Export(X509ContentType.Pkcs12));
        File.WriteAllBytes(PathOf("coordinator.pfx"), coordinator.Export(X509ContentType.Pkcs12));
        File.WriteAllText(PathOf("token.txt"), DistributedFixtures.Token.Value + "\n");
    }

    [Fact]
    public async Task Worker_processes_route_directly_over_tls_with_peer_certificates_to_the_relayed_losses_and_one_without_is_named()
    {
        WritePeerFiles();
        string[] tls = ["--listen", "https://127.0.0.1:0", "--client-ca", PathOf("ca.pem"), "--peer-ca", PathOf("ca.pem")];
        var started = await Task.WhenAll(
            // a: a separate client certificate for its neighbours (--peer-cert).
            DigitsWorkerProcessTests.WorkerProcess.StartAsync(DigitsWorkerProcessTests.DigitsApplication, PathOf("token.txt"),
                [.. tls, "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key"), "--peer-cert", PathOf("peer.pfx")]),
            // b: its own certificate, which may authenticate a client, by default.
            DigitsWorkerProcessTests.WorkerProcess.StartAsync(DigitsWorkerProcessTests.DigitsApplication, PathOf("token.txt"),
                [.. tls, "--tls-cert", PathOf("both.pem"), "--tls-key", PathOf("both.key")]),
            // c: a server-only certificate and no --peer-cert, so nothing to present to a neighbour that requires a client certificate.
            DigitsWorkerProcessTests.WorkerProcess.StartAsync(DigitsWorkerProcessTests.DigitsApplication, PathOf("token.txt"),
                [.. tls, "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key")]));
        using var a = started[0];
        using var b = started[1];
        using var c = started[2];
        string[] coordinator = ["train-remote", "--token-file", PathOf("token.txt"), "--steps", "2", "--tls-cert", PathOf("coordinator.pfx"), "--server-ca", PathOf("ca.pem")];
        // Segments on a, a and b: a sends to itself and to b, b sends gradients back to a, all over mutual TLS.
        var workers = $"sensor={a.Address},gateway={a.Address},edge={b.Address}";

        var (relayCode, relayed, relayError) = Run([.. coordinator, "--workers", workers]);
        var (directCode, direct, directError) = Run([.. coordinator, "--workers", workers, "--routing", "direct"]);
        output.WriteLine(relayed + direct);
        Assert.True(relayCode == DigitsApp.Success, relayError + relayed + a.Log + b.Log);
        Assert.True(directCode == DigitsApp.Success, directError + direct + a.Log + b.Log);
        Assert.Contains("Routing: relay (through this coordinator).", relayed);
        Assert.Contains("Routing: direct (the workers send to each other).", direct);
        // The same arithmetic in the same order: the same losses (printed to 4 digits) and the same test accuracy.
        static string[] Results(string text) => text.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal) || l.StartsWith("Test accuracy", StringComparison.Ordinal))
            .Select(l => l.Split(", ")[0].Trim()).ToArray();
        Assert.Equal(3, Results(direct).Length);
        Assert.Equal(Results(relayed), Results(direct));

        // c cannot present a client certificate to a, which requires one: its assignment fails in one line naming c, a and the flag.
        var (refusedCode, _, refused) = Run([.. coordinator, "--workers", $"sensor={c.Address},gateway={a.Address},edge={a.Address}", "--routing", "direct"]);
        output.WriteLine(refused);
        Assert.Equal(DigitsApp.InvalidInput, refusedCode);
        Assert.Single(refused.Trim().Split('\n'));
        Assert.Matches($@"^error: node sensor \(stage 0\) on worker {Regex.Escape(c.Address.ToString())} failed in assigning it: FailedPrecondition: next: this worker cannot reach its neighbour, stage \d+ on worker {Regex.Escape(a.Address.ToString())} \(.*\); over TLS it presents no client certificate: start this worker with --peer-cert FILE \(and --peer-key FILE\) issued by the CA of the neighbour's --client-ca \(StageWorkerHostOptions.PeerClient in code\)$",
            refused.Trim());
        Assert.DoesNotContain("Hosting stage", c.Log);
    }

    [Fact]
    public void A_worker_names_the_tls_flag_and_file_that_are_wrong()
    {
        WriteFiles();
        File.WriteAllText(PathOf("not-a-certificate.pem"), "hello\n");
        string[] worker = ["worker", "--token-file", PathOf("token.txt")];
        var missing = PathOf("missing.pem");

        AssertRefused([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", missing, "--tls-key", PathOf("worker.key")],
            $"error: --tls-cert: the file {missing} does not exist");
        AssertRefused([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", missing],
            $"error: --tls-key: the file {missing} does not exist");
        AssertRefused([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key"), "--client-ca", missing],
            $"error: --client-ca: the file {missing} does not exist");
        Assert.StartsWith($"error: --tls-cert: {PathOf("not-a-certificate.pem")} is not a PEM certificate with a private key",
            RefusedLine([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("not-a-certificate.pem"), "--tls-key", PathOf("worker.key")]));
        // The key of another certificate (the CA's file holds none at all).
        Assert.StartsWith($"error: --tls-cert: {PathOf("worker.pem")} is not a PEM certificate with a private key, or {PathOf("ca.pem")} (--tls-key) holds no private key of it",
            RefusedLine([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("ca.pem")]));
        Assert.StartsWith($"error: --client-ca: {PathOf("not-a-certificate.pem")} is not a certificate (PEM or DER)",
            RefusedLine([.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key"), "--client-ca", PathOf("not-a-certificate.pem")]));
        AssertRefused([.. worker, "--listen", "https://127.0.0.1:5005"],
            "error: --listen https://127.0.0.1:5005/ is https: give the worker's certificate with --tls-cert (and --tls-key), or listen on http://");
        AssertRefused([.. worker, "--listen", "http://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key")],
            "error: --tls-cert is given but --listen http://127.0.0.1:0/ is http://; listen on https://HOST:PORT to serve over TLS");
        AssertRefused([.. worker, "--listen", "http://127.0.0.1:0", "--client-ca", PathOf("ca.pem")],
            "error: --client-ca needs --tls-cert and an https:// --listen address: client certificates are checked in the TLS handshake");
        // The flags for reaching neighbours over TLS (direct routing).
        string[] serving = [.. worker, "--listen", "https://127.0.0.1:0", "--tls-cert", PathOf("worker.pem"), "--tls-key", PathOf("worker.key")];
        AssertRefused([.. serving, "--peer-key", PathOf("worker.key")],
            "error: --peer-key needs --peer-cert: the key belongs to the certificate the worker presents to its neighbours");
        AssertRefused([.. serving, "--peer-cert", missing], $"error: --peer-cert: the file {missing} does not exist");
        AssertRefused([.. serving, "--peer-ca", missing], $"error: --peer-ca: the file {missing} does not exist");
        Assert.StartsWith($"error: --peer-ca: {PathOf("not-a-certificate.pem")} is not a certificate (PEM or DER)",
            RefusedLine([.. serving, "--peer-ca", PathOf("not-a-certificate.pem")]));
        Assert.StartsWith($"error: --peer-cert: {PathOf("ca.pem")} is not a PEM certificate with a private key",
            RefusedLine([.. serving, "--peer-cert", PathOf("ca.pem")]));
    }

    [Fact]
    public void The_coordinator_names_the_tls_flag_and_file_that_are_wrong()
    {
        WriteFiles();
        string[] coordinator = ["train-remote", "--token-file", PathOf("token.txt"), "--steps", "1"];
        const string https = "sensor=https://127.0.0.1:1,gateway=https://127.0.0.1:2";
        var missing = PathOf("missing.pfx");
        AssertRefused([.. coordinator, "--workers", https, "--tls-cert", missing], $"error: --tls-cert: the file {missing} does not exist");
        AssertRefused([.. coordinator, "--workers", https, "--server-ca", missing], $"error: --server-ca: the file {missing} does not exist");
        AssertRefused([.. coordinator, "--workers", https, "--tls-cert", PathOf("coordinator.pfx"), "--tls-key", PathOf("worker.key")],
            $"error: --tls-key: {PathOf("worker.key")} is not used: the PKCS#12 file {PathOf("coordinator.pfx")} (--tls-cert) holds its own key; leave --tls-key out");
        AssertRefused([.. coordinator, "--workers", "sensor=http://127.0.0.1:1", "--server-ca", PathOf("ca.pem")],
            "error: --server-ca is given but no worker in --workers is https://; give the workers' https:// addresses");
        File.WriteAllText(PathOf("broken.pfx"), "not PKCS#12");
        Assert.StartsWith($"error: --tls-cert: {PathOf("broken.pfx")} is not a PKCS#12 file without a password",
            RefusedLine([.. coordinator, "--workers", https, "--tls-cert", PathOf("broken.pfx")]));
    }

    static void AssertRefused(string[] args, string expected) => Assert.Equal(expected, RefusedLine(args));

    static string RefusedLine(string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.True(code == DigitsApp.InvalidInput, $"exit code {code}: {error}{output}");
        var lines = error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"one line expected: {error}");
        Assert.DoesNotContain("   at ", error);
        return lines[0].TrimEnd();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
