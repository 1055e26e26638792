namespace HopSplit.Tooling;

/// <summary>The <c>--workers</c> list of <c>hopsplit train</c>: "id=http://host:port,..." (https:// for workers serving TLS) to node id and address.</summary>
public static class WorkerAddresses
{
    /// <summary>Parses the list; the message of a failure names the entry that is wrong.</summary>
    /// <exception cref="ToolInputException">An entry is not id=http://host:port, or a node is given twice.</exception>
    public static Dictionary<string, Uri> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var workers = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !Uri.TryCreate(parts[1], UriKind.Absolute, out var address) || !(address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps))
                throw new ToolInputException($"--workers: '{entry}' is not id=http://host:port (or id=https://host:port with TLS)");
            if (!workers.TryAdd(parts[0], address)) throw new ToolInputException($"--workers: node {parts[0]} is given twice");
        }
        if (workers.Count == 0) throw new ToolInputException("--workers: no worker given; list one per compute node, e.g. sensor=http://127.0.0.1:5001");
        return workers;
    }
}
