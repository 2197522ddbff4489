namespace SdServerless.Lambda.Bootstrap;

/// <summary>The process environment, behind a seam so tests can supply their own.</summary>
public interface IEnvironmentVariables
{
    string? Get(string name);

    /// <summary>Sets the variable; null removes it.</summary>
    void Set(string name, string? value);
}
