namespace SdServerless.Functions.Api;

/// <summary>The OpenAPI 3.1 description of the HTTP API (Api/openapi.json, embedded), served by the local host.</summary>
public static class ApiDocument
{
    /// <summary>The manifest name the csproj gives the embedded document.</summary>
    public const string ResourceName = "SdServerless.openapi.json";

    /// <summary>The document's bytes, read once.</summary>
    public static ReadOnlyMemory<byte> Json { get; } = Read();

    private static byte[] Read()
    {
        using var stream = typeof(ApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
