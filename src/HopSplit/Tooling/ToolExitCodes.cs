namespace HopSplit.Tooling;

/// <summary>
/// The exit codes every tool entry point returns (<c>hopsplit profile</c>, <c>train</c>, <c>worker</c>), so a script
/// can tell a bad flag from an impossible job. The CLI passes them through as the process exit code.
/// </summary>
public static class ToolExitCodes
{
    /// <summary>The tool did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>A flag, class, file or worker list is wrong, or the model failed on the data; the message names it.</summary>
    public const int InvalidInput = 1;

    /// <summary>The inputs are valid but no plan fits the network; the message names the node, layers and bytes.</summary>
    public const int Infeasible = 2;

    /// <summary>A worker could not be reached, refused a call (a wrong token, say) or failed; the message names the stage and worker.</summary>
    public const int WorkerFailed = 3;
}
