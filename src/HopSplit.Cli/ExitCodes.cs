namespace HopSplit.Cli;

/// <summary>What the process exit code means, so scripts can tell a bad file from an impossible job.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A flag or an input file is wrong; the message names the field.</summary>
    public const int InvalidInput = 1;
    /// <summary>The inputs are valid but no plan fits; the message names the node, layers and bytes.</summary>
    public const int Infeasible = 2;
    /// <summary>`train --workers`: a worker could not be reached, refused a call or failed; the message names the stage and worker.</summary>
    public const int WorkerFailed = 3;
}
