namespace HopSplit.Cli.Loading;

/// <summary>A static <c>Run</c> method the tool calls inside a user's application: its assembly and type.</summary>
internal sealed record ToolEntryPoint(string AssemblyName, string TypeName)
{
    /// <summary><c>HopSplit.Tooling.{name}</c> in the HopSplit package (profile, costs, in-process training).</summary>
    public static ToolEntryPoint InHopSplit(string name) => new("HopSplit", "HopSplit.Tooling." + name);

    /// <summary><c>HopSplit.Tooling.{name}</c> in HopSplit.Distributed (worker, training on workers): the application's copy, else the tool's.</summary>
    public static ToolEntryPoint InDistributed(string name) => new("HopSplit.Distributed", "HopSplit.Tooling." + name);
}
