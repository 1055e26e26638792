using System.Text.Json;
using System.Text.Json.Nodes;

namespace HopSplit.Runtime.Tests.Tool;

/// <summary>
/// An application that does not reference HopSplit.Distributed (the Digits build output without it and its gRPC
/// assemblies, linked into a folder of its own) still gets `hopsplit worker` and `train --workers`: the tool
/// loads its own HopSplit.Distributed into the application's load context, bound to the application's HopSplit.
/// </summary>
public sealed class CarriedDistributedTests : IDisposable
{
    private const string Token = "carried-test-token-0123456789abcdef";
    private readonly string _folder = Directory.CreateTempSubdirectory("hopsplit-no-distributed-").FullName;

    [Fact]
    public async Task A_worker_and_a_coordinator_run_on_the_tools_own_HopSplit_Distributed()
    {
        var application = LinkWithoutDistributed();
        Assert.False(File.Exists(Path.Combine(_folder, "HopSplit.Distributed.dll")));
        var tokenFile = Path.Combine(_folder, "token.txt");
        await File.WriteAllTextAsync(tokenFile, Token);

        // One worker serves both nodes of the plan (several nodes may share a worker).
        using var worker = await ToolWorker.StartAsync(tokenFile, application);
        var (code, output, error) = HopsplitTool.Run("train", "--assembly", application, "--batch", "16", "--steps", "2", "--json",
            "--workers", $"sensor={worker.Address},gateway={worker.Address}", "--token-file", tokenFile);

        Assert.True(code == 0, error + output + worker.Log);
        using var json = JsonDocument.Parse(output);
        var training = json.RootElement.GetProperty("training");
        Assert.Equal("workers", training.GetProperty("mode").GetString());
        Assert.Equal(2, training.GetProperty("losses").GetArrayLength());
        Assert.Equal(2, training.GetProperty("workers").GetArrayLength());
        Assert.Equal(0, worker.Terminate());
    }

    /// <summary>The Digits build output, every file linked except HopSplit.Distributed's and gRPC's, and a .deps.json without them.</summary>
    private string LinkWithoutDistributed()
    {
        var source = Path.GetDirectoryName(HopsplitTool.DigitsApplication)!;
        static bool Dropped(string name) =>
            name.StartsWith("HopSplit.Distributed", StringComparison.Ordinal) || name.StartsWith("Grpc.", StringComparison.Ordinal)
            || name.StartsWith("Google.Protobuf", StringComparison.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            var name = Path.GetFileName(entry);
            if (Dropped(name) || name == "digits.deps.json") continue;
            File.CreateSymbolicLink(Path.Combine(_folder, name), entry);
        }
        var deps = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "digits.deps.json")))!;
        foreach (var (_, target) in deps["targets"]!.AsObject())
        {
            foreach (var library in target!.AsObject().Select(p => p.Key).Where(Dropped).ToArray()) target.AsObject().Remove(library);
            foreach (var (_, library) in target.AsObject())
            {
                if (library?["dependencies"] is JsonObject dependencies)
                    foreach (var name in dependencies.Select(p => p.Key).Where(Dropped).ToArray()) dependencies.Remove(name);
            }
        }
        foreach (var library in deps["libraries"]!.AsObject().Select(p => p.Key).Where(Dropped).ToArray()) deps["libraries"]!.AsObject().Remove(library);
        File.WriteAllText(Path.Combine(_folder, "digits.deps.json"), deps.ToJsonString());
        return Path.Combine(_folder, "digits.dll");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
