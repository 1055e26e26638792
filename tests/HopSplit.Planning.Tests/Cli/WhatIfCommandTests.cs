using System.Text.Json;
using HopSplit.Cli;

namespace HopSplit.Planning.Tests.Cli;

public class WhatIfCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = HopSplitApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Args(params string[] extra) =>
    [
        "what-if", "--model", Examples.PathOf("tiny.model.json"), "--network", Examples.PathOf("campus.network.json"), "--batch", "64", .. extra,
    ];

    [Fact]
    public void Prints_every_point_and_marks_where_the_plan_changes()
    {
        var (code, output, error) = Run(Args("--link", "ap:edge", "--from", "0.01", "--to", "1", "--steps", "3"));
        Assert.True(code == 0, error);
        Assert.Contains("What if the link ap:edge bandwidth changed", output);
        Assert.Contains("10 Mbit/s", output);
        Assert.Contains("1 Gbit/s", output);
        Assert.Contains("<- plan changes", output);
        Assert.Contains("The optimal plan changes 1 time over the range", output);
    }

    [Fact]
    public void Json_has_every_point_with_its_plan()
    {
        var (code, output, error) = Run(Args("--link", "ap->edge", "--from", "0.01", "--to", "1", "--steps", "3", "--json"));
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var points = json.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(3, points.Length);
        Assert.Equal(0.896752, points[2].GetProperty("latencySeconds").GetDouble(), 6);
        Assert.Equal([false, true, false], points.Select(p => p.GetProperty("planChanged").GetBoolean()));
    }

    [Theory]
    [InlineData(new[] { "--link", "phone:cloud" }, "no link between 'phone' and 'cloud'")]
    [InlineData(new[] { "--node", "ap" }, "node 'ap' is a relay")]
    [InlineData(new[] { "--link", "ap:edge", "--node", "edge" }, "give exactly one of --link FROM:TO or --node ID")]
    [InlineData(new string[0], "give exactly one of --link FROM:TO or --node ID")]
    [InlineData(new[] { "--node", "edge", "--from", "5", "--to", "2" }, "0 < from < to")]
    [InlineData(new[] { "--link", "ap" }, "'ap' is not FROM:TO")]
    public void Bad_targets_and_ranges_are_refused_with_a_message(string[] extra, string message)
    {
        var (code, _, error) = Run(Args(extra));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(message, error);
    }
}
