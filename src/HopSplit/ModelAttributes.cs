namespace HopSplit;

/// <summary>
/// Declares a TorchSharp module class as a split-learning model. The generator adds static <c>Costs</c>
/// (a <see cref="Planning.Model.ModelCosts"/> the planner takes directly) and <c>CostTable</c> (one
/// <see cref="LayerCostRow"/> per layer) to the class, which must be <c>partial</c>. Layers are the fields
/// and properties marked <see cref="LayerAttribute"/>. When every layer is a <c>Module&lt;Tensor, Tensor&gt;</c>,
/// the class also implements <see cref="ISplitModel"/> (<c>LayerCount</c>, <c>Layer</c>, <c>ForwardLayers</c>), gets
/// <c>Stage(first, last)</c> returning a <see cref="ModelStage"/>, and, unless it declares its own, a <c>forward</c>
/// that runs every layer in order.
/// </summary>
/// <param name="inputShape">The shape of one input sample, without the batch dimension (e.g. 1, 28, 28).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SplitModelAttribute(params int[] inputShape) : Attribute
{
    /// <summary>The shape of one input sample, without the batch dimension; every dimension must be positive.</summary>
    public int[] InputShape { get; } = inputShape;

    /// <summary>The model name in <c>Costs</c>; defaults to the class name.</summary>
    public string? Name { get; set; }
}

/// <summary>Marks a field or property of a <see cref="SplitModelAttribute"/> class as one layer of the chain.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LayerAttribute : Attribute
{
    /// <summary>Position in the chain; layers without an order (or with equal orders) keep declaration order.
    /// Layers are sorted by (Order, declaration order), and the default order is 0.</summary>
    public int Order { get; set; }
}

/// <summary>
/// Per-sample costs of a layer the generator cannot analyse (a custom module): with it the layer is
/// reported with source <see cref="CostSource.Attribute"/> instead of being unprofiled.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LayerCostAttribute : Attribute
{
    /// <summary>Forward FLOPs per sample (a multiply-add counts as 2); must be finite and &gt;= 0.</summary>
    public double ForwardFlops { get; set; }

    /// <summary>Backward FLOPs per sample; 0 means twice <see cref="ForwardFlops"/>.</summary>
    public double BackwardFlops { get; set; }

    /// <summary>Trainable parameters; must be finite and &gt;= 0.</summary>
    public double Parameters { get; set; }

    /// <summary>Shape of the layer's output per sample (required; every dimension positive).</summary>
    public int[]? OutputShape { get; set; }
}

/// <summary>Where a layer's costs come from.</summary>
public enum CostSource
{
    /// <summary>Computed by the generator from the layer's TorchSharp factory call.</summary>
    Analysis,

    /// <summary>Taken from a <see cref="LayerCostAttribute"/>.</summary>
    Attribute,

    /// <summary>Measured by a profiling run.</summary>
    Profile,
}

/// <summary>One row of a generated model cost table (per sample).</summary>
/// <param name="Name">The layer's field or property name.</param>
/// <param name="Kind">The TorchSharp factory (e.g. "Conv2d") or the declared type of a custom layer.</param>
/// <param name="InputShape">Shape of the layer input per sample; empty when unknown (after a layer costed only by a profile).</param>
/// <param name="OutputShape">Shape of the layer output per sample; empty when unknown (a layer costed only by a
/// profile, and the layers after it).</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="ForwardFlops">Forward FLOPs (a multiply-add counts as 2).</param>
/// <param name="BackwardFlops">Backward FLOPs.</param>
/// <param name="OutputElements">Elements of the output per sample.</param>
/// <param name="Source">Where the numbers come from.</param>
public sealed record LayerCostRow(
    string Name,
    string Kind,
    IReadOnlyList<int> InputShape,
    IReadOnlyList<int> OutputShape,
    double Parameters,
    double ForwardFlops,
    double BackwardFlops,
    double OutputElements,
    CostSource Source)
{
    /// <summary>The planner's view of this row.</summary>
    public Planning.Model.ModelLayer ToLayer() => new(Name, ForwardFlops, BackwardFlops, OutputElements, Parameters);
}

/// <summary>
/// Marks a module class as a block the generator analyses when a [Layer] is <c>new</c> of it: its own
/// [Layer] members run in order from the block's input. Each member's module is the one its constructor
/// assigns (<c>conv1 = nn.Conv2d(inPlanes, planes, 3, ...)</c>, also inside <c>if</c>s whose condition folds),
/// or else its initializer; the block's constructor parameters take the values of the outer <c>new</c>'s
/// constant arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LayerBlockAttribute : Attribute
{
    /// <summary>The output is the main path plus the input (or <see cref="Shortcut"/> of the input); the
    /// elementwise add counts one FLOP per output element.</summary>
    public bool Residual { get; set; }

    /// <summary>The [Layer] member applied to the block input on the residual path (e.g. a downsample
    /// <c>nn.Sequential</c>); it may be null (the identity). Setting it makes the block residual.</summary>
    public string? Shortcut { get; set; }
}
