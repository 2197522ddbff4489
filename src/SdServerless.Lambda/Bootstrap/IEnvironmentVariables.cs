namespace SdServerless.Lambda.Bootstrap;

/// <summary>The process environment, behind a seam so tests can supply their own.</summary>
public interface IEnvironmentVariables
{
    /// <summary>The variable's value; null when it is unset or blank, so that an empty setting counts as none.</summary>
    string? Get(string name);

    /// <summary>Sets the variable; null removes it.</summary>
    void Set(string name, string? value);
}
