using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit;

/// <summary>
/// A model whose layers can be run by index: what the runtime drives. The generator implements it for every
/// [SplitModel] class whose layers are all <c>Module&lt;Tensor, Tensor&gt;</c>s; layer <c>i</c> is the
/// i-th [Layer] in chain order (the rows of <c>CostTable</c>).
/// </summary>
public interface ISplitModel
{
    /// <summary>The number of layers.</summary>
    int LayerCount { get; }

    /// <summary>The module of layer <paramref name="index"/> (0 to <see cref="LayerCount"/> - 1).</summary>
    nn.Module Layer(int index);

    /// <summary>Runs layers <paramref name="first"/> to <paramref name="last"/> (inclusive) in order on
    /// <paramref name="input"/> and returns the last layer's output. Intermediate tensors belong to the
    /// caller's dispose scope, as in any hand-written forward.</summary>
    Tensor ForwardLayers(int first, int last, Tensor input);
}

/// <summary>
/// A contiguous range of a model's layers, run as one pipeline stage. <see cref="Forward"/> runs the layers
/// and keeps what <see cref="Backward"/> needs; <see cref="Backward"/> takes the gradient of the stage's
/// output and returns the gradient of its input, which the previous stage's <see cref="Backward"/> takes.
/// Parameter gradients accumulate in the layers' parameters, as after a whole-model backward.
/// </summary>
/// <remarks>
/// Ownership: the stage owns the output it returns and the input leaf it builds; both stay valid until the
/// next <see cref="Forward"/> or <see cref="Dispose"/> (do not dispose the output yourself). Input gradients
/// are new tensors owned by the caller (they join the caller's dispose scope, if any). Intermediate tensors
/// of the layers are released when <see cref="Forward"/> returns (autograd keeps what it needs).
/// </remarks>
public sealed class ModelStage : IDisposable
{
    private Tensor? _input;
    private Tensor? _output;

    /// <summary>A stage running layers <paramref name="first"/> to <paramref name="last"/> (inclusive) of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside the model.</exception>
    public ModelStage(ISplitModel model, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (first < 0 || first >= model.LayerCount)
            throw new ArgumentOutOfRangeException(nameof(first), first, $"the model has layers 0 to {model.LayerCount - 1}");
        if (last < first || last >= model.LayerCount)
            throw new ArgumentOutOfRangeException(nameof(last), last, $"the last layer must be between {first} and {model.LayerCount - 1}");
        Model = model;
        First = first;
        Last = last;
    }

    /// <summary>The model whose layers this stage runs.</summary>
    public ISplitModel Model { get; }

    /// <summary>The index of the stage's first layer.</summary>
    public int First { get; }

    /// <summary>The index of the stage's last layer (inclusive).</summary>
    public int Last { get; }

    /// <summary>True when the stage starts at layer 0: its input is data, which needs no gradient.</summary>
    public bool IsFirst => First == 0;

    /// <summary>The output of the last <see cref="Forward"/> (owned by the stage), or null.</summary>
    public Tensor? Output => _output;

    /// <summary>
    /// Runs the stage's layers on <paramref name="input"/>. A stage that is not the first runs them on a
    /// detached copy of the input that requires a gradient (a leaf), so <see cref="Backward"/> can return the
    /// input's gradient. Releases what the previous call kept. The returned output is owned by the stage.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Release();
        using var scope = torch.NewDisposeScope();
        var x = IsFirst ? input : input.detach().requires_grad_(true);
        var y = Model.ForwardLayers(First, Last, x);
        // A range that returns its input unchanged: keep a handle of our own, never the caller's tensor.
        if (ReferenceEquals(y, input) || ReferenceEquals(y, x)) y = y.alias();
        if (!IsFirst) _input = x.DetachFromDisposeScope();
        _output = y.DetachFromDisposeScope();
        return _output;
    }

    /// <summary>
    /// Back-propagates <paramref name="outputGradient"/> (the gradient of the loss with respect to this stage's
    /// output, same shape as the output) through the stage and returns the gradient of its input (null for
    /// the first stage).
    /// </summary>
    public Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var output = _output ?? throw new InvalidOperationException("Backward needs a Forward first");
        output.backward(new[] { outputGradient });
        return InputGradient();
    }

    /// <summary>
    /// The gradient of the input of the last <see cref="Forward"/>, once a backward pass went through the
    /// stage's output (<see cref="Backward"/>, or the caller's <c>loss.backward()</c> on a loss computed from
    /// <see cref="Output"/>, for the last stage). A new tensor owned by the caller; null for the first stage
    /// or before any backward.
    /// </summary>
    public Tensor? InputGradient() => _input?.grad;

    /// <summary>The parameters of the stage's layers only, in layer order.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> Parameters()
    {
        for (var i = First; i <= Last; i++)
        {
            foreach (var parameter in Model.Layer(i).parameters())
                yield return parameter;
        }
    }

    /// <summary>Releases the input leaf and output kept by the last <see cref="Forward"/> (not the model).</summary>
    public void Dispose() => Release();

    private void Release()
    {
        _input?.Dispose();
        _output?.Dispose();
        _input = null;
        _output = null;
    }
}
