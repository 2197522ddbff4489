namespace SdServerless.Core.Tasks;

/// <summary>The two request formats (docs/api.md); the path segment names them.</summary>
public static class ApiVersion
{
    /// <summary>Flat SD Web UI body, routing keys inside alwayson_scripts.</summary>
    public const string V1Alpha1 = "v1alpha1";

    /// <summary>{"task":{"metadata":{...},"content":{...}}}.</summary>
    public const string V1Alpha2 = "v1alpha2";

    /// <summary>Whether <paramref name="version"/> is one of the two formats (compared exactly, as in the path).</summary>
    /// <param name="version">The version segment of the request path; null when there is none.</param>
    public static bool IsKnown(string? version) => version is V1Alpha1 or V1Alpha2;
}
