using Xunit.Abstractions;
using Xunit.Sdk;

namespace HopSplit.Docs.Tests;

/// <summary>
/// Runs the doc-block cases file by file, top to bottom (xunit's default order is a hash), so one repository
/// copy is alive at a time. Correctness does not depend on it: a session runs a block's predecessors itself.
/// </summary>
public sealed class FileAndLineOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(c => Key(c).File, StringComparer.Ordinal).ThenBy(c => Key(c).Line).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static (string File, int Line) Key(ITestCase testCase)
    {
        if (testCase.TestMethodArguments is [string id] && id.LastIndexOf(':') is > 0 and var colon && int.TryParse(id[(colon + 1)..], out var line))
            return (id[..colon], line);
        return ("", 0);
    }
}
