using System.Diagnostics;
using System.Xml.Linq;

namespace HopSplit.Docs.Tests;

/// <summary>
/// docs/getting-started.md's C# compiles: its ```csharp blocks, one file each, in a scratch project that
/// references the repository's built HopSplit, HopSplit.Planning and source generator, as a reader's
/// project references the HopSplit package. Warnings are errors, so an HS diagnostic on the tutorial's
/// own model fails too.
/// </summary>
public class TutorialCompileTests
{
    private const string Tutorial = "docs/getting-started.md";

    [Fact]
    public void The_getting_started_code_compiles_against_the_libraries()
    {
        var blocks = MarkdownBlocks.Read(Tutorial).Where(b => b.Language == "csharp").ToList();
        Assert.True(blocks.Count >= 2, $"{Tutorial} should hold the model and the training code as ```csharp blocks; found {blocks.Count}");

        var project = Directory.CreateTempSubdirectory("hopsplit-tutorial-").FullName;
        try
        {
            foreach (var block in blocks)
                File.WriteAllText(Path.Combine(project, $"GettingStarted_line{block.Line}.cs"), $"// {block.Id}\n{block.Code}");
            File.WriteAllText(Path.Combine(project, "Tutorial.csproj"), ProjectFile());

            var (exitCode, output) = Build(project);
            Assert.True(exitCode == 0,
                $"{Tutorial}'s C# does not compile (exit code {exitCode}); the files are named by the block's line:\n{output}");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private static string ProjectFile()
    {
        var output = Path.Combine(Repository.Root, "src", "{0}", "bin", Repository.Configuration, "{1}", "{0}.dll");
        string Built(string project, string framework)
        {
            var path = string.Format(output, project, framework);
            Assert.True(File.Exists(path), $"{path} is missing: build the solution (this test project references it) first");
            return path;
        }
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Built("HopSplit", "net10.0")}" />
                <Reference Include="{Built("HopSplit.Planning", "net10.0")}" />
                <Analyzer Include="{Built("HopSplit.Generators", "netstandard2.0")}" />
                <PackageReference Include="TorchSharp" Version="{PackageVersion("TorchSharp")}" />
              </ItemGroup>
            </Project>
            """;
    }

    /// <summary>The version the repository pins centrally, so the scratch project compiles against the same TorchSharp.</summary>
    private static string PackageVersion(string id) =>
        XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value;

    private static (int ExitCode, string Output) Build(string project)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", "-c", "Release", "-nologo", "-clp:NoSummary" }) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "the build did not finish in 10 minutes\n" + output.Result + error.Result);
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
