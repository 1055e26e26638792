using System.Security.Cryptography;
using System.Text;

namespace HopSplit.Distributed;

/// <summary>The secret every call carries as <c>authorization: Bearer &lt;token&gt;</c>; coordinator and workers share it.</summary>
public sealed class SharedToken
{
    private readonly byte[] _expectedHash;

    /// <summary>A token of at least 16 characters (no white space at either end).</summary>
    /// <exception cref="ArgumentException">The token is too short.</exception>
    public SharedToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        token = token.Trim();
        if (token.Length < 16) throw new ArgumentException($"the token has {token.Length} characters; use at least 16 (a random one, e.g. from openssl rand -hex 32)");
        Value = token;
        _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(HeaderValue));
    }

    /// <summary>The token itself.</summary>
    public string Value { get; }

    /// <summary>The value of the authorization metadata entry: "Bearer " and the token.</summary>
    public string HeaderValue => "Bearer " + Value;

    /// <summary>Reads a token file (its text, trimmed). Messages carry no parameter name: they are shown to users as they are.</summary>
    /// <exception cref="ArgumentException">The file is missing, unreadable or holds too short a token; the message names it.</exception>
    public static SharedToken FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the token file {path}: {e.Message}", e);
        }
        try
        {
            return new SharedToken(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the token file {path}: {e.Message}", e);
        }
    }

    /// <summary>True when <paramref name="authorization"/> is exactly "Bearer &lt;token&gt;"; the comparison takes the same time whatever the input.</summary>
    public bool Accepts(string? authorization)
    {
        // Hashing first gives equal lengths, so the fixed-time comparison does not leak the token's length either.
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(authorization ?? ""));
        return CryptographicOperations.FixedTimeEquals(actual, _expectedHash);
    }
}
