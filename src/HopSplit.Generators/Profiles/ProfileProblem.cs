namespace HopSplit.Generators.Profiles;

/// <summary>Why a profile file cannot be used, and where (character offset and length in the file).</summary>
internal sealed record ProfileProblem(string Message, int Start, int Length);
