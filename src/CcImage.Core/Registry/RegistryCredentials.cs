// How CcImage authenticates to a registry: a user name and a secret token, the token read from an environment
// variable or a file so it never sits on a command line, in a project file or in a log.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Registry;

public sealed class RegistryCredentials
{
    /// <summary>The user name ACR expects with an access token from `az acr login --expose-token`.</summary>
    public const string AcrTokenUser = "00000000-0000-0000-0000-000000000000";

    private RegistryCredentials(string? user, string? token)
    {
        User = user;
        Token = token;
    }

    public static RegistryCredentials Anonymous { get; } = new(null, null);

    public string? User { get; }

    internal string? Token { get; }

    public bool HasToken => !string.IsNullOrEmpty(Token);

    /// <summary>Reads the token from <paramref name="tokenEnvironmentVariable"/> or <paramref name="tokenFile"/> (at most one).</summary>
    public static RegistryCredentials From(string? user, string? tokenEnvironmentVariable, string? tokenFile)
    {
        if (!string.IsNullOrEmpty(tokenEnvironmentVariable) && !string.IsNullOrEmpty(tokenFile))
            throw Diag.Error(nameof(Strings.AciPushTokenTwice));
        string? token = null;
        if (!string.IsNullOrEmpty(tokenEnvironmentVariable))
        {
            token = Environment.GetEnvironmentVariable(tokenEnvironmentVariable);
            if (string.IsNullOrEmpty(token))
                throw Diag.Error(nameof(Strings.AciPushTokenMissing), "environment variable " + tokenEnvironmentVariable);
        }
        else if (!string.IsNullOrEmpty(tokenFile))
        {
            if (!File.Exists(tokenFile))
                throw Diag.Error(nameof(Strings.AciPushTokenMissing), "file " + tokenFile);
            token = File.ReadAllText(tokenFile).Trim();
            if (token.Length == 0)
                throw Diag.Error(nameof(Strings.AciPushTokenMissing), "file " + tokenFile);
        }
        return new RegistryCredentials(token is null ? user : user ?? AcrTokenUser, token);
    }

    /// <summary>Never shows the token.</summary>
    public override string ToString() => HasToken ? $"{User} (token hidden)" : "anonymous";
}
