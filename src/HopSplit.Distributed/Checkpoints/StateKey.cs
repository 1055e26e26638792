using HopSplit.Distributed.Protocol;

namespace HopSplit.Distributed.Checkpoints;

/// <summary>
/// Names one tensor of a model's training state independently of which worker held it: the layer's index in the
/// model, the parameter's name inside the layer (e.g. "weight") and whether it is the parameter or its momentum.
/// After re-planning the split changes, so state is keyed by layer, never by stage.
/// </summary>
public readonly record struct StateKey(int Layer, string Name, StateSlot Slot) : IComparable<StateKey>
{
    /// <summary>Layer, then name, then slot: the order checkpoints are written in.</summary>
    public int CompareTo(StateKey other)
    {
        var byLayer = Layer.CompareTo(other.Layer);
        if (byLayer != 0) return byLayer;
        var byName = string.CompareOrdinal(Name, other.Name);
        return byName != 0 ? byName : Slot.CompareTo(other.Slot);
    }

    /// <summary>e.g. "layer 3 weight (momentum)".</summary>
    public override string ToString() => $"layer {Layer} {Name}{(Slot == StateSlot.Momentum ? " (momentum)" : "")}";
}
