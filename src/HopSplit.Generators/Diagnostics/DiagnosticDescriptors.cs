using Microsoft.CodeAnalysis;

namespace HopSplit.Generators.Diagnostics;

/// <summary>
/// Every diagnostic HopSplit reports. IDs are stable and never reused: HS0001-HS0099 are reserved for
/// model/layer rules, HS0101 onwards are network rules. Each ID has a page under docs/diagnostics/.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "HopSplit.Network";
    private const string ModelCategory = "HopSplit.Model";

    private static string Help(string id) => $"docs/diagnostics/{id}.md";

    public static readonly DiagnosticDescriptor UnprofiledLayer = new(
        "HS0001", "Unprofiled layer",
        "Layer '{0}' of model '{1}' cannot be analysed: {2}; add [LayerCost(...)] with its costs, or profile it",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Every [Layer] needs costs: a TorchSharp.torch.nn factory call with constant arguments that the generator knows, or [LayerCost]. A model with an unprofiled layer gets no generated Costs.", helpLinkUri: Help("HS0001"));

    public static readonly DiagnosticDescriptor ShapeMismatch = new(
        "HS0002", "Layer shapes do not chain",
        "Layer '{0}' does not accept its input: {1}",
        ModelCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Each layer's input is the previous layer's output (the declared [SplitModel] shape for the first); sizes must agree.", helpLinkUri: Help("HS0002"));

    public static readonly DiagnosticDescriptor ModelNotPartial = new(
        "HS0003", "Model type is not partial",
        "Model '{0}' must be declared partial so that Costs and CostTable can be generated",
        ModelCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The generator adds static members to a [SplitModel] class; every declaration of it must be partial.", helpLinkUri: Help("HS0003"));

    public static readonly DiagnosticDescriptor InvalidModelValue = new(
        "HS0004", "Invalid model or layer value",
        "Invalid value in model '{0}': {1}",
        ModelCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "[SplitModel] input dimensions and [LayerCost] output dimensions must be positive, [LayerCost] numbers finite and >= 0, and layer sizes positive.", helpLinkUri: Help("HS0004"));

    public static readonly DiagnosticDescriptor InvalidProfile = new(
        "HS0005", "Invalid profile file",
        "Profile '{0}' cannot be used: {1}",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A *.hsprofile.json AdditionalFile must be JSON in the format hopsplit-profile/1 that the runtime's profiler writes; the generator ignores a file that is not.", helpLinkUri: Help("HS0005"));

    public static readonly DiagnosticDescriptor ProfileUnknownName = new(
        "HS0006", "Profile names an unknown model or layer",
        "Profile '{0}' {1}",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A profile's \"model\" must be the simple or full metadata name of a [SplitModel] class of the project, and each row's \"name\" a [Layer] member of it; rows that match nothing are ignored.", helpLinkUri: Help("HS0006"));

    public static readonly DiagnosticDescriptor StaleProfile = new(
        "HS0007", "Stale profile",
        "Profile '{0}' records {1} parameters for layer '{2}', but the model now has {3}: the profile is stale (the model changed since it was measured), so the layer keeps its {4} costs; profile the model again",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A profile row whose parameter count disagrees with the analysed layer, or with its [LayerCost] Parameters, was measured on a different layer; the generator ignores it.", helpLinkUri: Help("HS0007"));

    public static readonly DiagnosticDescriptor ModelWithoutLayers = new(
        "HS0008", "Model has no layers",
        "Model '{0}' has no [Layer] fields or properties, so it gets no Costs; mark its layers with [Layer]",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A [SplitModel] class needs at least one field or property marked [Layer] (the chain of layers the planner splits).", helpLinkUri: Help("HS0008"));

    public static readonly DiagnosticDescriptor LayerNotRunnable = new(
        "HS0009", "Model gets no stage code",
        "Layer '{0}' is a {1}, not a Module<Tensor, Tensor>, so model '{2}' gets Costs but no stage code (ISplitModel) and the runtime cannot train it; make the layer a module that takes and returns one Tensor",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The generated stages run a model's layers one after another on a single tensor, so every [Layer] must be a TorchSharp Module<Tensor, Tensor>. Planning still works from the cost table.", helpLinkUri: Help("HS0009"));

    public static readonly DiagnosticDescriptor LayerAssignedDifferently = new(
        "HS0010", "Layer assigned differently by the model's constructors",
        "Layer '{0}' of model '{1}' is {2}, so its costs depend on which constructor runs; assign it the same module in every constructor (chain them with : this(...)), initialize it where it is declared, or give it [LayerCost]",
        ModelCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The generated costs are one table per model class, so a layer assigned in constructors must get a module with the same costs from every non-private constructor. Until then the layer has no costs (like HS0001).", helpLinkUri: Help("HS0010"));

    public static readonly DiagnosticDescriptor LinkUnknownNode = new(
        "HS0101", "Link names an unknown node",
        "Link endpoint '{0}' is not a [Node] of network '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Both ends of a [Link] must be ids declared with [Node] on the same class.", helpLinkUri: Help("HS0101"));

    public static readonly DiagnosticDescriptor SourceOrSinkNotNode = new(
        "HS0102", "Source or sink is missing or not a node",
        "{0} of network '{1}' {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "[EdgeNetwork] needs Source, and Source (and Sink when given) must be ids declared with [Node].", helpLinkUri: Help("HS0102"));

    public static readonly DiagnosticDescriptor DuplicateNodeId = new(
        "HS0103", "Duplicate node id",
        "Node id '{0}' is declared more than once in network '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Node ids must be unique within a network.", helpLinkUri: Help("HS0103"));

    public static readonly DiagnosticDescriptor NodeNotDevice = new(
        "HS0104", "Node device is not an [EdgeDevice]",
        "Type '{0}' of node '{1}' has no [EdgeDevice] attribute and is not HopSplit.Relay",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A [Node]'s device type must be a class marked [EdgeDevice], or HopSplit.Relay.", helpLinkUri: Help("HS0104"));

    public static readonly DiagnosticDescriptor InvalidValue = new(
        "HS0105", "Invalid device or link value",
        "{0} must be {1}, but is {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Gflops, MemoryMiB and Mbps must be positive; OverheadMs and LatencyMs must not be negative.", helpLinkUri: Help("HS0105"));

    public static readonly DiagnosticDescriptor SinkUnreachable = new(
        "HS0106", "Sink unreachable from the source",
        "Sink '{0}' cannot be reached from source '{1}' over the links of network '{2}'",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "No plan exists when data cannot flow from the source to the sink.", helpLinkUri: Help("HS0106"));
}
