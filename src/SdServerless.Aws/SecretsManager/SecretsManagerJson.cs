using System.Text.Json.Serialization;

namespace SdServerless.Aws.SecretsManager;

/// <summary>The GetSecretValue request body (AWS JSON 1.1: the member names as the API spells them).</summary>
internal sealed record GetSecretValueRequest(string SecretId, string VersionStage);

/// <summary>The members of the GetSecretValue answer this project reads.</summary>
internal sealed class GetSecretValueResponse
{
    public string? VersionId { get; init; }

    public string? SecretString { get; init; }

    /// <summary>Seconds since the epoch, with a fraction.</summary>
    public double? CreatedDate { get; init; }
}

/// <summary>An AWS JSON error answer: {"__type": "ResourceNotFoundException", "message": "..."}.</summary>
internal sealed class AwsJsonError
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(AwsJsonError))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
