using System.Diagnostics;
using System.Globalization;

namespace HopSplit.Runtime.Tests.Distributed;

/// <summary>
/// Network namespaces for worker processes, each joined to this (the coordinator's) namespace by a veth pair whose
/// two ends are rate-limited with a tc token bucket (tbf): real shaped links instead of the transport's emulation.
/// Needs root and iproute2. Disposing deletes every namespace it made (which removes its veth pair and qdiscs),
/// also after a failure halfway through.
/// </summary>
internal sealed class NetworkNamespaces : IDisposable
{
    private readonly List<string> _namespaces = new();
    private readonly List<string> _hostLinks = new();
    private readonly string _prefix;
    private readonly int _subnet;

    public NetworkNamespaces()
    {
        // Names and a 10.x.0.0/16 subnet of this process, so parallel runs on one machine do not collide.
        var pid = Environment.ProcessId;
        _prefix = "hs" + (pid % 100000).ToString(CultureInfo.InvariantCulture);
        _subnet = 64 + pid % 150;
    }

    /// <summary>Null when this process can make namespaces and veth pairs (root, ip netns); otherwise why not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux's";
        if (Environment.UserName != "root") return $"it runs as {Environment.UserName}, not root";
        var probe = $"hsprobe{Environment.ProcessId}";
        var (code, text) = Run("ip", "netns", "add", probe);
        if (code != 0) return $"ip netns add failed: {text}";
        Run("ip", "netns", "del", probe);
        return null;
    }

    /// <summary>
    /// Namespace number <paramref name="index"/>: a veth pair to this namespace, 10.S.index.1 here and 10.S.index.2 there,
    /// each end shaped to <paramref name="bitsPerSecond"/> (so both directions of the link are). Returns the address
    /// inside, and the command prefix that runs a program there.
    /// </summary>
    public (string Address, string[] Launcher, string HostLink) Add(int index, double bitsPerSecond)
    {
        var name = $"{_prefix}n{index}";
        var host = $"{_prefix}h{index}";
        var inside = $"{_prefix}i{index}";
        var (hostAddress, address) = ($"10.{_subnet}.{index}.1", $"10.{_subnet}.{index}.2");
        Must("ip", "netns", "add", name);
        _namespaces.Add(name);
        Must("ip", "link", "add", host, "type", "veth", "peer", "name", inside);
        _hostLinks.Add(host);
        Must("ip", "link", "set", inside, "netns", name);
        Must("ip", "addr", "add", hostAddress + "/24", "dev", host);
        Must("ip", "link", "set", host, "up");
        Must("ip", "netns", "exec", name, "ip", "addr", "add", address + "/24", "dev", inside);
        Must("ip", "netns", "exec", name, "ip", "link", "set", inside, "up");
        Must("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        // A small bucket (a few packets) so that a frame cannot pass at line rate; a deep queue so TCP is paced, not dropped.
        var rate = ((long)bitsPerSecond).ToString(CultureInfo.InvariantCulture) + "bit";
        Must("tc", "qdisc", "add", "dev", host, "root", "tbf", "rate", rate, "burst", "6kb", "latency", "2s");
        Must("ip", "netns", "exec", name, "tc", "qdisc", "add", "dev", inside, "root", "tbf", "rate", rate, "burst", "6kb", "latency", "2s");
        return (address, ["ip", "netns", "exec", name], host);
    }

    /// <summary>Bytes sent from this namespace into the link (tx) and received from it (rx), from the host end's counters.</summary>
    public static (long Tx, long Rx) Counters(string hostLink) => (
        long.Parse(File.ReadAllText($"/sys/class/net/{hostLink}/statistics/tx_bytes").Trim(), CultureInfo.InvariantCulture),
        long.Parse(File.ReadAllText($"/sys/class/net/{hostLink}/statistics/rx_bytes").Trim(), CultureInfo.InvariantCulture));

    public void Dispose()
    {
        // Deleting a namespace deletes the veth end inside it, and with it the pair; a host end left by a half-made pair goes too.
        foreach (var name in _namespaces) Run("ip", "netns", "del", name);
        foreach (var host in _hostLinks)
            if (Directory.Exists($"/sys/class/net/{host}")) Run("ip", "link", "del", host);
        _namespaces.Clear();
        _hostLinks.Clear();
    }

    /// <summary>The namespaces this process made and has not deleted (for the test's own check of the clean-up).</summary>
    public IReadOnlyList<string> Names => _namespaces;

    private static void Must(params string[] command)
    {
        var (code, text) = Run(command);
        if (code != 0) throw new InvalidOperationException($"{string.Join(' ', command)} failed ({code}): {text}");
    }

    private static (int Code, string Text) Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, (output.Result + error).Trim());
    }
}
