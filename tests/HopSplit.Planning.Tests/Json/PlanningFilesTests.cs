using HopSplit.Planning.Json;

namespace HopSplit.Planning.Tests.Json;

/// <summary>Loading and validating the model and network files: every error names its JSON path and the value.</summary>
public class PlanningFilesTests
{
    private const string Layer = """{ "name": "l0", "forwardFlops": 1e6, "outputElements": 10 }""";

    private static string Model(string layers = Layer, string extra = "") =>
        $$"""{ "inputElements": 100, {{extra}} "layers": [ {{layers}} ] }""";

    /// <summary>A phone (source), a relay and a cloud, linked in a line; pieces can be replaced.</summary>
    private static string Network(
        string? links = null,
        string source = "\"source\": \"phone\",",
        string sink = "",
        string? nodes = null) =>
        $$"""
        {
          "nodes": [
            {{nodes ?? """
              { "id": "phone", "flops": 1e10, "memoryBytes": 2e9 },
              { "id": "ap", "flops": 0 },
              { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 }
            """}}
          ],
          "links": [
            {{links ?? """
              { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
              { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }
            """}}
          ],
          {{source}}
          {{sink}}
          "note": "test"
        }
        """;

    private static IReadOnlyList<string> NetworkErrors(string json) =>
        Assert.Throws<InvalidInputException>(() => PlanningFiles.ParseNetwork(json)).Errors;

    private static IReadOnlyList<string> ModelErrors(string json) =>
        Assert.Throws<InvalidInputException>(() => PlanningFiles.ParseModel(json)).Errors;

    /// <summary>Exactly one error, starting with the field path and containing every fragment.</summary>
    private static string Single(IReadOnlyList<string> errors, string path, params string[] fragments)
    {
        var error = Assert.Single(errors);
        Assert.StartsWith(path + ":", error);
        foreach (var fragment in fragments) Assert.Contains(fragment, error);
        return error;
    }

    // ---- the example files ----

    [Fact]
    public void The_example_model_loads()
    {
        var model = PlanningFiles.LoadModel(Examples.PathOf("tiny.model.json"));
        Assert.Equal("tiny", model.Name);
        Assert.Equal(4, model.LayerCount);
        Assert.Equal(1000, model.InputElements);
        Assert.Equal(4, model.BytesPerElement);
        Assert.Equal(["l0", "l1", "l2", "l3"], model.Layers.Select(l => l.Name));
        Assert.Equal(6e8, model.Layers[2].ForwardFlops);
        Assert.Equal(1.2e9, model.Layers[2].BackwardFlops);
    }

    [Fact]
    public void The_example_network_loads()
    {
        var network = PlanningFiles.LoadNetwork(Examples.PathOf("campus.network.json"));
        Assert.Equal(4, network.Nodes.Count);
        Assert.Equal(3, network.Links.Count);
        Assert.Equal("phone", network.Source);
        Assert.Null(network.Sink);
        Assert.True(network.Nodes[network.IndexOf("ap")].IsRelay);
        Assert.Equal(5e7, network.Links[2].BitsPerSecond);
        Assert.All(network.Links, l => Assert.False(l.Directed));
    }

    [Fact]
    public void The_test_network_is_valid_as_written() => Assert.Equal(3, PlanningFiles.ParseNetwork(Network()).Nodes.Count);

    // ---- source and sink ----

    [Fact]
    public void Missing_source_is_reported() =>
        Single(NetworkErrors(Network(source: "")), "source", "missing", "required");

    [Fact]
    public void Source_naming_an_unknown_node_is_reported() =>
        Single(NetworkErrors(Network(source: "\"source\": \"laptop\",")), "source", "'laptop'", "unknown node", "phone, ap, cloud");

    [Fact]
    public void Source_that_is_a_relay_is_reported() =>
        Single(NetworkErrors(Network(source: "\"source\": \"ap\",")), "source", "'ap'", "flops 0");

    [Fact]
    public void Sink_naming_an_unknown_node_is_reported() =>
        Single(NetworkErrors(Network(sink: "\"sink\": \"server\",")), "sink", "'server'", "unknown node");

    [Fact]
    public void Sink_behind_a_directed_link_the_wrong_way_is_unreachable()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "cloud", "to": "ap", "bitsPerSecond": 1e9, "directed": true }
            """;
        Single(NetworkErrors(Network(links, sink: "\"sink\": \"cloud\",")), "sink", "'cloud'", "cannot be reached", "'phone'");
    }

    [Fact]
    public void Sink_in_a_separate_component_is_unreachable()
    {
        var nodes = """
            { "id": "phone", "flops": 1e10, "memoryBytes": 2e9 },
            { "id": "ap", "flops": 0 },
            { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 },
            { "id": "lab", "flops": 1e11, "memoryBytes": 1e10 }
            """;
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "cloud", "to": "lab", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links, sink: "\"sink\": \"lab\",", nodes: nodes)), "sink", "'lab'", "cannot be reached");
    }

    [Fact]
    public void A_reachable_sink_is_accepted() =>
        Assert.Equal("cloud", PlanningFiles.ParseNetwork(Network(sink: "\"sink\": \"cloud\",")).Sink);

    [Fact]
    public void Source_without_links_while_other_nodes_exist_is_reported()
    {
        var links = """{ "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }""";
        Single(NetworkErrors(Network(links)), "source", "'phone'", "no link");
    }

    [Fact]
    public void A_single_node_network_needs_no_links()
    {
        var nodes = """{ "id": "phone", "flops": 1e10, "memoryBytes": 2e9 }""";
        var network = PlanningFiles.ParseNetwork(Network(links: "", nodes: nodes));
        Assert.Single(network.Nodes);
        Assert.Empty(network.Links);
    }

    // ---- links ----

    [Fact]
    public void Link_naming_an_unknown_node_is_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "ap", "to": "clod", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links)), "links[1].to", "unknown node 'clod'", "known nodes: phone, ap, cloud");
    }

    [Fact]
    public void Negative_bits_per_second_is_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": -1e8 },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links)), "links[0].bitsPerSecond", "-100000000", "greater than 0");
    }

    [Fact]
    public void Zero_bits_per_second_is_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 0 }
            """;
        Single(NetworkErrors(Network(links)), "links[1].bitsPerSecond", "0 is not allowed", "greater than 0");
    }

    [Fact]
    public void Duplicate_links_are_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 },
            { "from": "ap", "to": "phone", "bitsPerSecond": 2e8 }
            """;
        Single(NetworkErrors(Network(links)), "links[2]", "duplicate link", "'ap'", "'phone'", "links[0]");
    }

    [Fact]
    public void Two_directed_links_in_opposite_directions_are_not_duplicates()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8, "directed": true },
            { "from": "ap", "to": "phone", "bitsPerSecond": 1e7, "directed": true },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }
            """;
        Assert.Equal(3, PlanningFiles.ParseNetwork(Network(links)).Links.Count);
    }

    [Fact]
    public void Self_loop_link_is_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": 1e8 },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 },
            { "from": "cloud", "to": "cloud", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links)), "links[2]", "'cloud'", "itself");
    }

    // ---- nodes ----

    [Fact]
    public void Negative_memory_bytes_is_reported()
    {
        var nodes = """
            { "id": "phone", "flops": 1e10, "memoryBytes": -5 },
            { "id": "ap", "flops": 0 },
            { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 }
            """;
        Single(NetworkErrors(Network(nodes: nodes)), "nodes[0].memoryBytes", "-5", "0 or more");
    }

    [Fact]
    public void Duplicate_node_ids_are_reported()
    {
        var nodes = """
            { "id": "phone", "flops": 1e10, "memoryBytes": 2e9 },
            { "id": "ap", "flops": 0 },
            { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 },
            { "id": "ap", "flops": 1e9, "memoryBytes": 1e9 }
            """;
        Single(NetworkErrors(Network(nodes: nodes)), "nodes[3].id", "duplicate node id 'ap'", "nodes[1]");
    }

    [Fact]
    public void A_relay_may_omit_memory_bytes()
    {
        var network = PlanningFiles.ParseNetwork(Network());
        var ap = network.Nodes[network.IndexOf("ap")];
        Assert.True(ap.IsRelay);
        Assert.Equal(0, ap.MemoryBytes);
        Assert.Equal(0, ap.OverheadSeconds);
    }

    [Fact]
    public void A_compute_node_must_give_memory_bytes()
    {
        var nodes = """
            { "id": "phone", "flops": 1e10, "memoryBytes": 2e9 },
            { "id": "ap", "flops": 0 },
            { "id": "cloud", "flops": 2e11 }
            """;
        Single(NetworkErrors(Network(nodes: nodes)), "nodes[2].memoryBytes", "missing");
    }

    // ---- values of the wrong kind ----

    [Fact]
    public void A_number_given_as_a_string_is_reported()
    {
        var links = """
            { "from": "phone", "to": "ap", "bitsPerSecond": "fast" },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links)), "links[0].bitsPerSecond", "expected a number", "\"fast\"");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Non_finite_numbers_given_as_strings_are_reported(string value)
    {
        var layer = $$"""{ "name": "l0", "forwardFlops": "{{value}}", "outputElements": 10 }""";
        Single(ModelErrors(Model(layer)), "layers[0].forwardFlops", value, "not a finite number");
    }

    [Fact]
    public void A_number_too_large_for_a_double_is_reported() =>
        Single(ModelErrors(Model(extra: "\"bytesPerElement\": 1e999,")), "bytesPerElement", "1e999");

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var json = "{\n  \"inputElements\": 100,\n  \"layers\": [ { \"name\": \"l0\", } \n    oops ]\n}";
        var error = Assert.Single(ModelErrors(json));
        Assert.StartsWith("not valid JSON at line 4", error);
    }

    [Fact]
    public void Empty_text_is_not_valid_json()
    {
        var error = Assert.Single(NetworkErrors(""));
        Assert.StartsWith("not valid JSON at line 1", error);
    }

    [Fact]
    public void A_root_that_is_not_an_object_is_reported() =>
        Single(ModelErrors("[1, 2]"), "the file", "expected an object", "an array");

    [Fact]
    public void A_layer_that_is_not_an_object_is_reported() =>
        Single(ModelErrors(Model(Layer + ", 42")), "layers[1]", "expected an object", "42");

    // ---- the model ----

    [Fact]
    public void Empty_layers_array_is_reported() =>
        Single(ModelErrors(Model(layers: "")), "layers", "no layers");

    [Fact]
    public void Missing_layers_is_reported() =>
        Single(ModelErrors("""{ "inputElements": 100 }"""), "layers", "missing");

    [Fact]
    public void Missing_forward_flops_is_reported() =>
        Single(ModelErrors(Model(Layer + """, { "name": "l1", "outputElements": 10 }""")), "layers[1].forwardFlops", "missing");

    [Fact]
    public void Negative_output_elements_is_reported() =>
        Single(ModelErrors(Model("""{ "name": "l0", "forwardFlops": 1e6, "outputElements": -3 }""")), "layers[0].outputElements", "-3", "greater than 0");

    [Fact]
    public void Duplicate_layer_names_are_reported() =>
        Single(ModelErrors(Model(Layer + ", " + Layer)), "layers[1].name", "duplicate layer name 'l0'");

    [Fact]
    public void Backward_flops_default_to_twice_the_forward_flops()
    {
        var model = PlanningFiles.ParseModel(Model("""{ "name": "l0", "forwardFlops": 3e6, "outputElements": 10 }"""));
        Assert.Equal(6e6, model.Layers[0].BackwardFlops);
        Assert.Equal(0, model.Layers[0].Parameters);
    }

    [Fact]
    public void Given_backward_flops_are_kept()
    {
        var model = PlanningFiles.ParseModel(Model("""{ "name": "l0", "forwardFlops": 3e6, "backwardFlops": 1e6, "outputElements": 10 }"""));
        Assert.Equal(1e6, model.Layers[0].BackwardFlops);
    }

    [Fact]
    public void Bytes_per_element_defaults_to_four() =>
        Assert.Equal(4, PlanningFiles.ParseModel(Model()).BytesPerElement);

    [Fact]
    public void Layer_names_default_to_their_index()
    {
        var model = PlanningFiles.ParseModel(Model("""{ "forwardFlops": 1, "outputElements": 1 }, { "forwardFlops": 1, "outputElements": 1 }"""));
        Assert.Equal(["layer0", "layer1"], model.Layers.Select(l => l.Name));
    }

    // ---- unknown fields ----

    [Fact]
    public void Unknown_field_flop_suggests_flops()
    {
        var nodes = """
            { "id": "phone", "flops": 1e10, "memoryBytes": 2e9 },
            { "id": "ap", "flop": 0, "flops": 0 },
            { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 }
            """;
        Single(NetworkErrors(Network(nodes: nodes)), "nodes[1].flop", "unknown field", "did you mean 'flops'?");
    }

    [Fact]
    public void Unknown_field_bandwidth_suggests_bits_per_second()
    {
        var links = """
            { "from": "phone", "to": "ap", "bandwidth": 1e8, "bitsPerSecond": 1e8 },
            { "from": "ap", "to": "cloud", "bitsPerSecond": 1e9 }
            """;
        Single(NetworkErrors(Network(links)), "links[0].bandwidth", "unknown field", "did you mean 'bitsPerSecond'?");
    }

    [Fact]
    public void Misspelt_field_suggests_the_closest_name() =>
        Single(ModelErrors(Model(extra: "\"inputElemnts\": 5,")), "inputElemnts", "unknown field", "did you mean 'inputElements'?");

    [Fact]
    public void Unrelated_unknown_field_lists_the_known_fields() =>
        Single(ModelErrors(Model(extra: "\"zzz\": 5,")), "zzz", "unknown field", "known fields:", "inputElements", "layers");

    // ---- several errors at once ----

    [Fact]
    public void Every_error_is_reported_together()
    {
        var json = """
            {
              "nodes": [
                { "id": "phone", "flops": "fast", "memoryBytes": 2e9 },
                { "id": "ap", "flops": 0 },
                { "id": "cloud", "flops": 2e11, "memoryBytes": -1 },
                { "id": "ap", "flops": 0 }
              ],
              "links": [
                { "from": "phone", "to": "ap", "bitsPerSecond": 0 },
                { "from": "ap", "to": "nowhere", "bitsPerSecond": 1e9 },
                { "from": "ap", "to": "cloud", "bandwidth": 1e9, "bitsPerSecond": 1e9 }
              ],
              "source": "phone",
              "sink": "server"
            }
            """;
        var exception = Assert.Throws<InvalidInputException>(() => PlanningFiles.ParseNetwork(json, "net.json"));
        var errors = exception.Errors;
        Assert.Contains(errors, e => e.StartsWith("nodes[0].flops:") && e.Contains("\"fast\""));
        Assert.Contains(errors, e => e.StartsWith("nodes[2].memoryBytes:") && e.Contains("-1"));
        Assert.Contains(errors, e => e.StartsWith("nodes[3].id:") && e.Contains("'ap'"));
        Assert.Contains(errors, e => e.StartsWith("links[0].bitsPerSecond:"));
        Assert.Contains(errors, e => e.StartsWith("links[1].to:") && e.Contains("'nowhere'"));
        Assert.Contains(errors, e => e.StartsWith("links[2].bandwidth:"));
        Assert.Contains(errors, e => e.StartsWith("sink:") && e.Contains("'server'"));
        Assert.Equal(7, errors.Count);
        Assert.StartsWith("net.json is not valid:", exception.Message);
        Assert.All(errors, e => Assert.Contains(e, exception.Message));
    }

    [Fact]
    public void A_source_with_unreadable_flops_is_not_also_called_a_relay()
    {
        var nodes = """
            { "id": "phone", "flops": "fast", "memoryBytes": 2e9 },
            { "id": "ap", "flops": 0 },
            { "id": "cloud", "flops": 2e11, "memoryBytes": 6.4e10 }
            """;
        Single(NetworkErrors(Network(nodes: nodes, sink: "\"sink\": \"phone\",")), "nodes[0].flops", "\"fast\"");
    }

    [Fact]
    public void Every_model_error_is_reported_together()
    {
        var json = """
            {
              "bytesPerElement": 0,
              "layers": [
                { "name": "a", "forwardFlops": -1, "outputElements": 10 },
                { "name": "a", "outputElements": "many" }
              ]
            }
            """;
        var errors = ModelErrors(json);
        Assert.Contains(errors, e => e.StartsWith("bytesPerElement:"));
        Assert.Contains(errors, e => e.StartsWith("inputElements:") && e.Contains("missing"));
        Assert.Contains(errors, e => e.StartsWith("layers[0].forwardFlops:") && e.Contains("-1"));
        Assert.Contains(errors, e => e.StartsWith("layers[1].name:") && e.Contains("'a'"));
        Assert.Contains(errors, e => e.StartsWith("layers[1].forwardFlops:") && e.Contains("missing"));
        Assert.Contains(errors, e => e.StartsWith("layers[1].outputElements:") && e.Contains("\"many\""));
        Assert.Equal(6, errors.Count);
    }

    // ---- files ----

    [Fact]
    public void A_missing_file_names_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "hopsplit-no-such-" + Guid.NewGuid() + ".json");
        var exception = Assert.Throws<InvalidInputException>(() => PlanningFiles.LoadModel(path));
        Assert.Equal(path, exception.Origin);
        var error = Assert.Single(exception.Errors);
        Assert.StartsWith("cannot read the model file", error);
        Assert.Contains(path, exception.Message);
    }
}
