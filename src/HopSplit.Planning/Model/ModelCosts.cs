namespace HopSplit.Planning.Model;

/// <summary>One layer's per-sample costs (MODEL.md section 2).</summary>
/// <param name="Name">A readable name, unique within the model.</param>
/// <param name="ForwardFlops">rho: forward FLOPs per sample (a multiply-add counts as 2).</param>
/// <param name="BackwardFlops">w: backward FLOPs per sample.</param>
/// <param name="OutputElements">a: elements of this layer's output activation per sample.</param>
/// <param name="Parameters">p: trainable parameters.</param>
public sealed record ModelLayer(
    string Name,
    double ForwardFlops,
    double BackwardFlops,
    double OutputElements,
    double Parameters);

/// <summary>A model as the planner sees it: a chain of layers with per-sample costs.</summary>
public sealed record ModelCosts
{
    public ModelCosts(string name, double inputElements, IReadOnlyList<ModelLayer> layers, double bytesPerElement = 4)
    {
        Name = name;
        InputElements = inputElements;
        Layers = layers;
        BytesPerElement = bytesPerElement;
    }

    public string Name { get; }

    /// <summary>a_in: elements of one input sample.</summary>
    public double InputElements { get; }

    /// <summary>e: bytes per activation, gradient and parameter element.</summary>
    public double BytesPerElement { get; }

    public IReadOnlyList<ModelLayer> Layers { get; }

    public int LayerCount => Layers.Count;

    /// <summary>Elements of the activation entering layer <paramref name="layer"/> (a_in for layer 0).</summary>
    public double InputElementsOf(int layer) => layer == 0 ? InputElements : Layers[layer - 1].OutputElements;
}
