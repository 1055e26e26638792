using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using HopSplit.Cli.Loading;
using HopSplit.Cli.Rendering;

namespace HopSplit.Cli.Commands;

/// <summary>
/// `hopsplit train`: plans a built application's model on a network and trains it on the application's
/// ITrainingData, in this process over the emulated network (<c>HopSplit.Tooling.PipelineTrainingTool</c>) or,
/// with --workers, on `hopsplit worker` processes over gRPC (<c>HopSplit.Tooling.DistributedTrainingTool</c>).
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var application = new ApplicationOptions();
        var data = new Option<string?>("--data", "-d")
        {
            Description = "The class implementing HopSplit.Training.ITrainingData that gives the mini-batches; optional when the application has only one.",
        };
        var network = new Option<FileInfo?>("--network", "-n") { Description = "The network's nodes and links (JSON, see docs/file-formats.md)." };
        var networkType = new Option<string?>("--network-type")
        {
            Description = "An [EdgeNetwork] class in the application instead of a file. With neither, the application's only [EdgeNetwork] class.",
        };
        var batch = Positive(new Option<int>("--batch", "-B") { Description = "Mini-batch size B: samples per training step.", Required = true });
        var steps = Positive(new Option<int>("--steps") { Description = "Training steps (mini-batches 0, 1, 2, ... of the data).", DefaultValueFactory = _ => 20 });
        var schedule = new Option<string>("--schedule") { Description = "Pipeline schedule: gpipe (fill and drain) or 1f1b.", DefaultValueFactory = _ => "gpipe" };
        schedule.AcceptOnlyFromAmong("gpipe", "1f1b");
        var learningRate = new Option<double>("--lr") { Description = "SGD's learning rate (momentum 0.9).", DefaultValueFactory = _ => 0.05 };
        learningRate.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() > 0)) result.AddError("--lr must be positive");
        });
        var seed = new Option<long>("--seed") { Description = "The initial weights (every worker builds the same model from it).", DefaultValueFactory = _ => 1 };
        var workers = new Option<string?>("--workers", "-w")
        {
            Description = "Train on hopsplit worker processes instead of in this process: the worker of every compute node of the plan, " +
                          "id=URL,... (e.g. sensor=http://127.0.0.1:5001,gateway=http://127.0.0.1:5002).",
        };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "With --workers: the file holding the workers' shared token." };
        var tlsCertificate = new Option<FileInfo?>("--tls-cert")
        {
            Description = "With https:// --workers started with --client-ca: the coordinator's client certificate (PEM, its key in --tls-key or the same file, or .pfx/.p12 with its key).",
        };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "The PEM private key of --tls-cert, when it is not in the certificate file." };
        var serverCa = new Option<FileInfo?>("--server-ca")
        {
            Description = "With https:// --workers: accept only workers whose certificate this CA (PEM or DER) issued, instead of the machine's trusted CAs.",
        };
        var waitForWorkers = new Option<double>("--wait-for-workers")
        {
            Description = "With --workers: seconds to wait for workers that do not listen yet (started together with this command); 0 does not wait.",
            DefaultValueFactory = _ => 20,
        };
        waitForWorkers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var seconds && !(seconds >= 0 && seconds <= 3600)) result.AddError($"--wait-for-workers must be between 0 and 3600 seconds, not {seconds}");
        });
        var routing = new Option<string>("--routing")
        {
            Description = "With --workers: relay (the coordinator relays every activation and gradient) or direct (workers send them to each other; " +
                          "https:// workers then need --peer-cert/--peer-ca for their neighbours).",
            DefaultValueFactory = _ => "relay",
        };
        routing.AcceptOnlyFromAmong("relay", "direct");
        var json = new Option<bool>("--json") { Description = "Print the plan and the report as one JSON object, without progress." };
        var command = new Command("train",
            "Plan a built application's model on a network, then train it on the application's ITrainingData with the plan: in this " +
            "process over the emulated network (every stage paced to its node's and link's declared speed), or on hopsplit worker " +
            "processes with --workers. Prints measured against predicted step time, the loss and the test accuracy.");
        application.AddTo(command);
        foreach (var option in new Option[] { data, network, networkType, batch, steps, schedule, learningRate, seed, workers, tokenFile, tlsCertificate, tlsKey, serverCa, waitForWorkers, routing, json })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var hasWorkers = result.GetValue(workers) is not null;
            var hasToken = result.GetValue(tokenFile) is not null;
            if (hasWorkers && !hasToken) result.AddError("--workers needs --token-file: the file holding the workers' shared token");
            if (hasToken && !hasWorkers) result.AddError("--token-file is only used with --workers");
            foreach (var remoteOnly in new Option[] { tlsCertificate, tlsKey, serverCa, waitForWorkers, routing })
                if (!hasWorkers && result.GetResult(remoteOnly) is { Implicit: false }) result.AddError($"{remoteOnly.Name} is only used with --workers");
            if (result.GetValue(network) is not null && result.GetValue(networkType) is not null) result.AddError("give --network or --network-type, not both");
        });
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            var asJson = parse.GetValue(json);
            var view = new TrainingView(output, asJson, parse.GetValue(steps));
            object?[] common =
            [
                parse.GetValue(application.Model), parse.GetValue(data), parse.GetValue(network)?.FullName, parse.GetValue(networkType),
                parse.GetValue(batch), parse.GetValue(steps), parse.GetValue(schedule)!, parse.GetValue(learningRate), parse.GetValue(seed),
            ];
            // The entry point's messages are kept to be repeated as JSON for scripts.
            var problems = new StringWriter(CultureInfo.InvariantCulture);
            var remote = parse.GetValue(workers);
            var code = view.Run(() => remote is null
                ? ApplicationTool.Run(parse.GetValue(application.Assembly)!, ToolEntryPoint.InHopSplit("PipelineTrainingTool"),
                    [.. common, view.Planned, view.Stepped, view.Finished, problems], problems)
                : ApplicationTool.Run(parse.GetValue(application.Assembly)!, ToolEntryPoint.InDistributed("DistributedTrainingTool"),
                    [.. common, remote, parse.GetValue(tokenFile)!.FullName,
                     parse.GetValue(tlsCertificate)?.FullName, parse.GetValue(tlsKey)?.FullName, parse.GetValue(serverCa)?.FullName, parse.GetValue(waitForWorkers), parse.GetValue(routing)!, view.Planned, view.Stepped, view.Finished, problems, cancellation], problems));
            error.Write(problems.ToString());
            if (code != ExitCodes.Success && asJson)
            {
                var message = problems.ToString().Trim();
                if (message.StartsWith("error: ", StringComparison.Ordinal)) message = message["error: ".Length..];
                output.WriteLine(new JsonObject { ["error"] = message }.ToJsonString(JsonOutput.Options));
            }
            return code;
        }, CancellationToken.None));
        return command;
    }

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            // Validators run even when the token is not an int; leave that case to System.CommandLine's own message.
            if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < 1)
                result.AddError($"{option.Name} must be at least 1, not {value}.");
        });
        return option;
    }
}
