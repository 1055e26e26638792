using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using HopSplit.Distributed;
using HopSplit.Distributed.Transport;
using HopSplit.Planning.Model;
using Microsoft.Extensions.Logging;
using static HopSplit.Runtime.Tests.Distributed.DistributedFixtures;
using static HopSplit.Runtime.Tests.Pipeline.PipelineFixtures;
using static TorchSharp.torch;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// gRPC over TLS with client certificates: a private CA made here issues the worker's and the coordinator's
/// certificates; a coordinator with one trains as over plain HTTP/2, one without a certificate or with a
/// certificate of another CA is refused in the handshake, before any call reaches the service.
/// </summary>
public sealed class MutualTlsTests : IDisposable
{
    const string Shape = "a[0..1] b[2..6]";
    readonly X509Certificate2 _authority = Authority("HopSplit test CA");
    readonly X509Certificate2 _otherAuthority = Authority("Someone else's CA");
    readonly X509Certificate2 _server;
    readonly X509Certificate2 _client;
    readonly X509Certificate2 _strangerClient;

    public MutualTlsTests()
    {
        _server = Issue(_authority, "worker", server: true);
        _client = Issue(_authority, "coordinator", server: false);
        _strangerClient = Issue(_otherAuthority, "stranger", server: false);
    }

    [Fact]
    public async Task A_coordinator_with_a_certificate_of_the_ca_trains_over_tls_to_the_in_process_weights()
    {
        await using var worker = await StartTlsWorker();
        Assert.Equal("https", worker.Address.Scheme);
        var layout = PipelineLayout.From(Problem(8), Shapes[Shape], 4);
        using var distributed = await DistributedTrainer.ConnectAsync(layout, TlsOptions(worker.Address, _client));
        await FirstStepMatchesInProcessAsync(distributed, ScheduleKind.GPipe, batchSeed: 600);
    }

    [Fact]
    public async Task With_direct_routing_workers_reach_each_other_over_tls_with_their_own_client_certificate()
    {
        // One worker hosting both segments sends to itself over TLS, as a client of its own server.
        await using var worker = await StartTlsWorker(peerClient: new StageClientOptions { ClientCertificate = _client, ServerCertificateAuthority = _authority });
        var layout = PipelineLayout.From(Problem(8), Shapes[Shape], 4);
        using var distributed = await DistributedTrainer.ConnectAsync(layout, TlsOptions(worker.Address, _client) with { Routing = FrameRouting.Direct });
        var step = await FirstStepMatchesInProcessAsync(distributed, ScheduleKind.GPipe, batchSeed: 600);
        Assert.Equal(2 * 2, step.Transfers.Count);

        // A worker without a client certificate is refused by its neighbour in the handshake: it pings its neighbour when
        // assigned, so the assignment fails, naming the worker, the neighbour and what to add; nothing is hosted.
        await using var bare = await StartTlsWorker(peerClient: new StageClientOptions { ServerCertificateAuthority = _authority });
        var error = await Assert.ThrowsAsync<DistributedStageException>(() =>
            DistributedTrainer.ConnectAsync(layout, TlsOptions(bare.Address, _client) with { Routing = FrameRouting.Direct }));
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.Status);
        Assert.Matches($@"^node (a \(stage 0\)|b \(stage 2\)) on worker {Regex.Escape(bare.Address.ToString())} failed in assigning it: FailedPrecondition: (next|previous): this worker cannot reach its neighbour, stage (2|0) on worker {Regex.Escape(bare.Address.ToString())} \(.*\); over TLS it presents no client certificate: start this worker with --peer-cert FILE \(and --peer-key FILE\) issued by the CA of the neighbour's --client-ca \(StageWorkerHostOptions.PeerClient in code\)$",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);
        using var pinger = new StageClient(bare.Address, Token, TlsOptions(bare.Address, _client).Client);
        Assert.Empty(await pinger.PingAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public void A_worker_presents_its_own_certificate_to_its_neighbours_only_when_it_may_authenticate_a_client()
    {
        using var both = Issue(_authority, "worker", server: true, alsoClient: true);
        Assert.False(PeerTlsFlags.MayAuthenticateClient(_server));
        Assert.True(PeerTlsFlags.MayAuthenticateClient(both));
        Assert.True(PeerTlsFlags.MayAuthenticateClient(_client));

        var none = new PeerTlsFlags(null, null, null);
        Assert.Null(none.Load(null, 1024, 2048));
        Assert.Null(none.Load(_server, 1024, 2048));
        var own = none.Load(both, 1024, 2048)!;
        Assert.Same(both, own.ClientCertificate);
        Assert.Null(own.ServerCertificateAuthority);
        Assert.Equal((1024, 2048), (own.ChunkBytes, own.MaxFrameBytes));

        var error = Assert.Throws<TlsFileException>(() => new PeerTlsFlags(null, "peer.key", null).Load(both, 1024, 2048));
        Assert.Equal("--peer-key needs --peer-cert: the key belongs to the certificate the worker presents to its neighbours", error.Message);
    }

    [Fact]
    public async Task A_coordinator_without_a_certificate_or_with_another_cas_is_refused()
    {
        var log = new CapturedLog();
        await using var worker = await StartTlsWorker(log);
        var layout = PipelineLayout.From(Problem(8), Shapes[Shape], 4);

        var without = await Assert.ThrowsAsync<DistributedStageException>(() => DistributedTrainer.ConnectAsync(layout, TlsOptions(worker.Address, null)));
        var stranger = await Assert.ThrowsAsync<DistributedStageException>(() => DistributedTrainer.ConnectAsync(layout, TlsOptions(worker.Address, _strangerClient)));

        // Refused in the TLS handshake: the right token never got to be checked.
        foreach (var refused in new[] { without, stranger })
        {
            Assert.NotNull(refused.Status);
            Assert.NotEqual(Grpc.Core.StatusCode.Unauthenticated, refused.Status);
            Assert.Contains("assigning it", refused.Message);
        }
        Assert.DoesNotContain(log.Lines, line => line.Contains("Hosting stage"));
    }

    [Fact]
    public async Task A_coordinator_refuses_a_worker_whose_certificate_another_ca_issued()
    {
        await using var worker = await StageWorkerHost.StartAsync(SmallCnnFactory, new StageWorkerHostOptions
        {
            Listen = new Uri("https://127.0.0.1:0"), Token = Token, Certificate = Issue(_otherAuthority, "impostor", server: true),
            ConfigureLogging = _ => { },
        });
        var layout = PipelineLayout.From(Problem(8), Shapes[Shape], 4);
        var error = await Assert.ThrowsAsync<DistributedStageException>(() => DistributedTrainer.ConnectAsync(layout, TlsOptions(worker.Address, _client)));
        Assert.NotEqual(Grpc.Core.StatusCode.Unauthenticated, error.Status);
    }

    [Fact]
    public async Task An_https_address_without_a_certificate_is_named()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => StageWorkerHost.StartAsync(SmallCnnFactory,
            new StageWorkerHostOptions { Listen = new Uri("https://127.0.0.1:0"), Token = Token }));
        Assert.Equal("the listen address https://127.0.0.1:0/ is https: give the worker's certificate (StageWorkerHostOptions.Certificate) or listen on http://", error.Message);
    }

    Task<StageWorkerHost> StartTlsWorker(CapturedLog? log = null, StageClientOptions? peerClient = null) => StageWorkerHost.StartAsync(SmallCnnFactory, new StageWorkerHostOptions
    {
        Listen = new Uri("https://127.0.0.1:0"), Token = Token, Certificate = _server, ClientCertificateAuthority = _authority, PeerClient = peerClient,
        ConfigureLogging = logging => { if (log is not null) logging.AddProvider(log); },
    });

    DistributedTrainerOptions TlsOptions(Uri worker, X509Certificate2? client) => new()
    {
        Workers = new Dictionary<string, Uri> { ["a"] = worker, ["b"] = worker },
        Token = Token, Seed = 21, LearningRate = 0.1, Momentum = 0.9,
        Client = new StageClientOptions { ClientCertificate = client, ServerCertificateAuthority = _authority, CallTimeout = TimeSpan.FromSeconds(30) },
    };

    internal static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>
    /// A certificate for 127.0.0.1 (server) or a client, with its private key, signed by <paramref name="authority"/>;
    /// with <paramref name="alsoClient"/> a server certificate may authenticate a client too.
    /// </summary>
    internal static X509Certificate2 Issue(X509Certificate2 authority, string name, bool server, bool alsoClient = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") }; // server or client authentication
        if (server && alsoClient) usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        using var authorityKey = authority.GetECDsaPrivateKey()!;
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(authorityKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        foreach (var certificate in new[] { _authority, _otherAuthority, _server, _client, _strangerClient }) certificate.Dispose();
    }
}
