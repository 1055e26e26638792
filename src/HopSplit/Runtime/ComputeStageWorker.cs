using HopSplit.Planning.Simulation;
using static TorchSharp.torch;

namespace HopSplit.Runtime;

/// <summary>
/// A node running one segment of the model: a <see cref="ModelStage"/> per micro-batch in flight, from its
/// forward to its backward. The last segment also computes the loss, in its backward task.
/// </summary>
internal sealed class ComputeStageWorker : StageWorker
{
    private readonly ISplitModel _model;
    private readonly PipelineLayout _layout;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly bool _computesLoss;
    private ModelStage?[] _inFlight = Array.Empty<ModelStage?>();

    public ComputeStageWorker(PipelineStage stage, StageLinks links, bool emulate, ISplitModel model, PipelineLayout layout,
        Func<Tensor, Tensor, Tensor> loss)
        : base(stage, links, emulate)
    {
        _model = model;
        _layout = layout;
        _loss = loss;
        _computesLoss = stage.Ref.LastLayer == model.LayerCount - 1;
    }

    protected override void RunTask(StepRun step, PipelineTask task)
    {
        if (_inFlight.Length != step.Sizes.Count) _inFlight = new ModelStage?[step.Sizes.Count];
        var m = task.MicroBatch;
        var modeled = _layout.ModeledTime(Stage, step.Sizes[m]);
        if (task.Direction == TaskDirection.Forward)
        {
            var input = Stage.Ref.FirstLayer == 0 ? step.Inputs[m] : Links.ForwardIn!.Take(m, step.Cancellation);
            var start = step.Clock.Now;
            var stage = new ModelStage(_model, Stage.Ref.FirstLayer, Stage.Ref.LastLayer);
            _inFlight[m] = stage;
            var output = stage.Forward(input);
            Finish(step, task, start, step.Clock.Now - start, modeled.Forward);
            Links.ForwardOut?.Put(m, output);
        }
        else
        {
            var outputGradient = _computesLoss ? null : Links.BackwardIn!.Take(m, step.Cancellation);
            var start = step.Clock.Now;
            var stage = _inFlight[m] ?? throw new InvalidOperationException($"backward of micro-batch {m} before its forward");
            var inputGradient = Backward(step, m, stage, outputGradient);
            stage.Dispose();
            _inFlight[m] = null;
            Finish(step, task, start, step.Clock.Now - start, modeled.Backward);
            if (inputGradient is not null) Links.BackwardOut!.Put(m, inputGradient);
        }
    }

    /// <summary>Back-propagates one micro-batch; returns its input gradient for the previous stage (null on the first).</summary>
    private Tensor? Backward(StepRun step, int m, ModelStage stage, Tensor? outputGradient)
    {
        using var scope = NewDisposeScope();
        if (outputGradient is null)
        {
            step.RecordLoss(m, MicroBatchLoss.Backward(stage, _loss, step.Labels[m], (double)step.Sizes[m] / step.Samples));
        }
        else
        {
            stage.Backward(outputGradient);
            outputGradient.Dispose();
        }
        return stage.IsFirst ? null : stage.InputGradient()!.DetachFromDisposeScope();
    }

    protected override void Reset()
    {
        for (var m = 0; m < _inFlight.Length; m++)
        {
            _inFlight[m]?.Dispose();
            _inFlight[m] = null;
        }
    }
}
