namespace HopSplit.Tooling;

/// <summary>A tool's input is wrong; the message names the flag or the class and says how to fix it.</summary>
/// <param name="message">One line for the user.</param>
public sealed class ToolInputException(string message) : Exception(message);
