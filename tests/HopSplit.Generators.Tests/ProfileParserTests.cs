using HopSplit.Generators.Helpers;
using HopSplit.Generators.Profiles;
using static HopSplit.Generators.Tests.ProfileSources;

namespace HopSplit.Generators.Tests;

/// <summary>The hand-written JSON reader and the profile format check.</summary>
public class ProfileParserTests
{
    [Fact]
    public void Reader_reads_every_kind_of_value_with_positions()
    {
        var (value, error) = JsonReader.Parse("\uFEFF { \"a\": [1, -0.5e-3, 2E+2, true, false, null], \"s\": \"x\\n\\u00e9\\\"\", \"o\": {} } ");
        Assert.Null(error);
        Assert.Equal(JsonKind.Object, value!.Kind);
        var a = value.Member("a")!;
        Assert.Equal([1, -0.5e-3, 200], a.Items.Take(3).Select(i => i.Number));
        Assert.Equal([JsonKind.True, JsonKind.False, JsonKind.Null], a.Items.Skip(3).Select(i => i.Kind));
        Assert.Equal("x\né\"", value.Member("s")!.Text);
        Assert.Empty(value.Member("o")!.Members);
        Assert.Equal(9, a.Start);
        Assert.Null(value.Member("missing"));
    }

    [Theory]
    [InlineData("", 0, "value is missing")]
    [InlineData("{\"a\": 1,}", 8, "member name")]
    [InlineData("[1 2]", 3, "',' or ']'")]
    [InlineData("{\"a\" 1}", 5, "':'")]
    [InlineData("\"abc", 4, "unterminated")]
    [InlineData("\"a\\qb\"", 3, "invalid escape")]
    [InlineData("01", 1, "after the JSON value")]
    [InlineData("1.", 2, "after '.'")]
    [InlineData("-", 1, "digit")]
    [InlineData("tru", 0, "'true'")]
    [InlineData("1e999", 0, "out of range")]
    [InlineData("{} x", 3, "after the JSON value")]
    public void Reader_reports_the_first_problem_and_where(string text, int offset, string message)
    {
        var (value, error) = JsonReader.Parse(text);
        Assert.Null(value);
        Assert.Equal(offset, error!.Offset);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Reader_limits_nesting_and_never_throws_on_any_prefix()
    {
        var (_, deep) = JsonReader.Parse(new string('[', 10_000) + new string(']', 10_000));
        Assert.Contains("nest", deep!.Message);
        var text = Json("DigitNet", new Row("conv1", 1, 2, 3, 4), new Row("fc\\\"1", 1e-7, 2e300, 3, 4));
        for (var i = 0; i < text.Length; i++)
        {
            var profile = ProfileParser.Parse("p.hsprofile.json", text.Substring(0, i));
            Assert.NotNull(profile.Problem);
        }
        Assert.Null(ProfileParser.Parse("p.hsprofile.json", text).Problem);
    }

    [Fact]
    public void Parser_reads_the_profilers_format()
    {
        var text = """
            {
              "format": "hopsplit-profile/1",
              "model": "DigitNet",
              "machine": { "description": "x64 2 cores", "flopsPerSecond": 2.1e10 },
              "batchSize": 32,
              "extra": { "ignored": [1, 2] },
              "layers": [
                { "index": 0, "name": "conv1", "forwardSeconds": 1.2e-5, "backwardSeconds": 2.5e-5,
                  "forwardFlops": 252000, "backwardFlops": 525000, "outputElements": 25088, "parameters": 320 }
              ]
            }
            """;
        var profile = ProfileParser.Parse("a.hsprofile.json", text);
        Assert.Null(profile.Problem);
        Assert.Equal(("DigitNet", "x64 2 cores", 2.1e10, 32L), (profile.Model, profile.Machine, profile.FlopsPerSecond, profile.BatchSize));
        var row = Assert.Single(profile.Layers);
        Assert.Equal(new ProfileRow(0, "conv1", 1.2e-5, 2.5e-5, 252000, 525000, 25088, 320, text.IndexOf("\"conv1\""), 7), row);
        Assert.Equal(text.IndexOf("\"DigitNet\""), profile.ModelStart);
        Assert.Equal(profile, ProfileParser.Parse("a.hsprofile.json", text)); // equatable: cacheable
    }

    [Theory]
    [InlineData("[]", "must hold a JSON object")]
    [InlineData("{}", "\"format\" is missing")]
    [InlineData("{\"format\": 1}", "\"format\" must be a string")]
    [InlineData("{\"format\": \"hopsplit-profile/2\"}", "but this generator reads \"hopsplit-profile/1\"")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"\"}", "\"model\" must name")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"M\", \"machine\": {\"description\": \"x\", \"flopsPerSecond\": 0}}", "\"machine.flopsPerSecond\" must be a number > 0, but is 0")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"M\", \"machine\": {\"description\": \"x\", \"flopsPerSecond\": 1}, \"batchSize\": 2.5}", "\"batchSize\" must be an integer > 0")]
    [InlineData("{\"format\": \"hopsplit-profile/1\", \"model\": \"M\", \"machine\": {\"description\": \"x\", \"flopsPerSecond\": 1}, \"batchSize\": 2, \"layers\": [3]}", "layers[0] must be an object")]
    public void Parser_names_the_field_at_fault(string text, string message)
    {
        var problem = ProfileParser.Parse("p.hsprofile.json", text).Problem;
        Assert.NotNull(problem);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Parser_rejects_negative_numbers_and_duplicate_layers()
    {
        var negative = Json("M", new Row("a", 1, 2, 3, 4)).Replace("\"forwardFlops\": 1", "\"forwardFlops\": -1");
        var problem = ProfileParser.Parse("p.hsprofile.json", negative).Problem!;
        Assert.Equal("\"layers[0].forwardFlops\" must be a number >= 0, but is -1", problem.Message);
        Assert.Equal("-1", negative.Substring(problem.Start, problem.Length));

        var twice = ProfileParser.Parse("p.hsprofile.json", Json("M", new Row("a", 1, 2, 3, 4), new Row("a", 1, 2, 3, 4))).Problem!;
        Assert.Equal("layers[1].name: layer 'a' is listed twice", twice.Message);
        Assert.Contains("parameters\" must be an integer", ProfileParser.Parse("p", Json("M", new Row("a", 1, 2, 3, 4.5))).Problem!.Message);
    }

    [Theory]
    [InlineData("fc2", new[] { "fc1", "conv1" }, "fc1")]
    [InlineData("DigitNt", new[] { "DigitNet", "Campus" }, "DigitNet")]
    [InlineData("conv", new[] { "fc1", "relu1" }, null)]
    [InlineData("x", new string[0], null)]
    public void Did_you_mean_picks_a_close_name(string name, string[] candidates, string? expected) =>
        Assert.Equal(expected, Suggestions.Closest(name, candidates));
}
