namespace SdServerless.Lambda.Bootstrap;

/// <summary>The real process environment, as the deployed function reads it.</summary>
public sealed class SystemEnvironmentVariables : IEnvironmentVariables
{
    /// <inheritdoc/>
    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <inheritdoc/>
    public void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);
}
