using System.Text.Json.Nodes;
using HopSplit.Cli.Rendering;
using HopSplit.Planning;
using HopSplit.Planning.Json;

namespace HopSplit.Cli.Commands;

/// <summary>Turns the errors a user can cause into a message and an exit code, never a stack trace.</summary>
internal static class CommandErrors
{
    public static int Run(TextWriter output, TextWriter error, bool json, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InvalidInputException e)
        {
            return Report(output, error, json, e.Message, ExitCodes.InvalidInput);
        }
        catch (InfeasiblePlanException e)
        {
            return Report(output, error, json, "no feasible plan: " + e.Message, ExitCodes.Infeasible);
        }
    }

    private static int Report(TextWriter output, TextWriter error, bool json, string message, int code)
    {
        if (json) output.WriteLine(new JsonObject { ["error"] = message }.ToJsonString(JsonOutput.Options));
        error.WriteLine("error: " + message);
        return code;
    }
}
