namespace HopSplit.Planning.Simulation;

/// <summary>A pipeline stage as the simulator sees it: one resource that serves one task at a time.</summary>
/// <param name="Kind">A compute stage is a node; a link stage is a (half duplex) link.</param>
/// <param name="Id">The node id for a compute stage, "from->to" for a link stage.</param>
public sealed record SimulatedStage(StageKind Kind, string Id)
{
    /// <summary>A readable resource name, such as "node phone" or "link phone->ap".</summary>
    public string ResourceName => (Kind == StageKind.Link ? "link " : "node ") + Id;
}
