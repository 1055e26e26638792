using HopSplit.Experiments.Output;

namespace HopSplit.Experiments.Families;

/// <summary>One experiment family: runs, writes its CSV and PNG files, and returns its section of the report.</summary>
public interface IExperiment
{
    /// <summary>File-name stem of its outputs, e.g. "baselines".</summary>
    string Name { get; }

    ReportSection Run(ExperimentContext context);
}
