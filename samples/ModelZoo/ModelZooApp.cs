using System.CommandLine;
using HopSplit.Planning;
using Spectre.Console;

namespace HopSplit.Samples.ModelZoo;

/// <summary>
/// The sample's command line: <c>modelzoo vgg16|resnet18 [--batch B] [--json]</c> plans the model on the five-hop
/// <see cref="EdgeToCloud"/> network and simulates the plan. Nothing is trained, so no libtorch is needed.
/// </summary>
public static class ModelZooApp
{
    public const int Success = 0;

    /// <summary>Bad arguments (System.CommandLine's parse errors use 1 as well).</summary>
    public const int InvalidInput = 1;

    /// <summary>No plan fits the nodes' memory.</summary>
    public const int Infeasible = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Build(output, error).Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });

    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var model = new Argument<string>("model") { Description = "The model to plan: " + string.Join(" or ", ZooModel.All.Select(m => m.Key)) + "." };
        model.AcceptOnlyFromAmong([.. ZooModel.All.Select(m => m.Key)]);
        var batch = new Option<int>("--batch", "-b") { Description = "The mini-batch size B.", DefaultValueFactory = _ => 32 };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--batch must be at least 1 (the number of samples per mini-batch).");
        });
        var json = new Option<bool>("--json") { Description = "Print the plan and the simulated times as JSON." };

        var root = new RootCommand(
            "Plans VGG-16 or ResNet-18 (declared with HopSplit's attributes; the generator writes their cost tables) over a " +
            "five-hop camera - ap - gateway - edge - regional - cloud network, and simulates the plan under gpipe and 1f1b.");
        root.Arguments.Add(model);
        root.Options.Add(batch);
        root.Options.Add(json);
        root.SetAction(parse =>
        {
            ZooAnalysis analysis;
            try
            {
                analysis = ZooAnalysis.Run(ZooModel.Named(parse.GetValue(model)!), EdgeToCloud.Network, parse.GetValue(batch));
            }
            catch (InfeasiblePlanException e)
            {
                error.WriteLine($"error: no plan fits: {e.Message}. Try a smaller --batch.");
                return Infeasible;
            }
            if (parse.GetValue(json)) output.WriteLine(ZooJsonReport.Serialize(analysis));
            else ZooTextReport.Write(ConsoleFor(output), analysis);
            return Success;
        });
        return root;
    }

    /// <summary>A Spectre console over the writer: colours on a terminal, plain text of a fixed width when redirected.</summary>
    private static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        var terminal = writer == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal) console.Profile.Width = 120;
        return console;
    }
}
