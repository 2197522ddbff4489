using Json.Schema;
using SdServerless.Functions.Api;

namespace SdServerless.IntegrationTests.Tasks;

/// <summary>
/// The API's OpenAPI document, read as JSON Schema 2020-12 (which OpenAPI 3.1 schemas are): a response body is
/// checked against the schema the document gives for its route, method, status code and content type.
/// </summary>
internal static class OpenApiDocument
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    public static JsonObject Root { get; } = JsonNode.Parse(ApiDocument.Json.Span)!.AsObject();

    /// <summary>Every (path, method) the document describes.</summary>
    public static IEnumerable<(string Path, string Method)> Operations =>
        Root["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => op.Key is "get" or "post" or "delete" or "put" or "patch")
            .Select(op => (path.Key, op.Key.ToUpperInvariant())));

    /// <summary>Fails unless the document describes this answer and the body matches its schema.</summary>
    public static void AssertConforms(string path, string method, int status, string? contentType, string body)
    {
        var operation = Root["paths"]?[path]?[method.ToLowerInvariant()]
            ?? throw new Xunit.Sdk.XunitException($"the document has no {method} {path}");
        var response = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            ?? throw new Xunit.Sdk.XunitException($"{method} {path} answered {status}, which the document does not list");
        var mediaType = contentType?.Split(';')[0].Trim() ?? "";
        var schemaNode = response["content"]?[mediaType]?["schema"]
            ?? throw new Xunit.Sdk.XunitException($"{method} {path} {status} answered {mediaType}, which the document does not list");
        var schema = Schemas.GetOrAdd(schemaNode.ToJsonString(), Build);
        using var instance = JsonDocument.Parse(body);
        var results = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, $"{method} {path} {status} does not match the document:\n{body}\n{JsonSerializer.Serialize(results)}");
    }

    /// <summary>The schema with the document's components as $defs, so that its $refs resolve.</summary>
    private static JsonSchema Build(string schemaJson)
    {
        var components = Root["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = JsonNode.Parse(components),
            ["allOf"] = new JsonArray(JsonNode.Parse(schemaJson.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))),
        };
        return JsonSchema.FromText(root.ToJsonString(), baseUri: new Uri($"urn:sdserverless:openapi:{Guid.NewGuid():N}"));
    }
}
