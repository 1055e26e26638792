using HopSplit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace HopSplit.Samples.Digits.Transport;

/// <summary>
/// A model of identity layers without parameters: a worker hosting one of its middle layers answers a forward
/// with the tensor it was sent and a backward with the gradient, so a round trip costs only the transport
/// (framing, chunking, codec and the connection), which is what the transport benchmark measures.
/// </summary>
internal sealed class IdentityModel : ISplitModel, IDisposable
{
    private readonly nn.Module<Tensor, Tensor>[] _layers;

    public IdentityModel(int layers) => _layers = Enumerable.Range(0, layers).Select(_ => (nn.Module<Tensor, Tensor>)nn.Identity()).ToArray();

    public int LayerCount => _layers.Length;

    public nn.Module Layer(int index) => _layers[index];

    public Tensor ForwardLayers(int first, int last, Tensor input)
    {
        var x = input;
        for (var i = first; i <= last; i++) x = _layers[i].forward(x);
        return x;
    }

    public void Dispose()
    {
        foreach (var layer in _layers) layer.Dispose();
    }
}
