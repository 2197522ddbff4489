using System.Text.Json;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;
using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Context;

namespace SdServerless.Lambda.Handlers;

/// <summary>
/// The api function takes REST API (payload 1.0) and HTTP API (payload 2.0) events alike: a top-level
/// "version": "2.0" marks the latter.
/// </summary>
public sealed class ApiGatewayLambdaHandler(
    Func<ApiGatewayProxyRequest, CancellationToken, Task<ApiGatewayProxyResponse>> handleRest,
    Func<ApiGatewayHttpApiRequest, CancellationToken, Task<ApiGatewayProxyResponse>> handleHttpApi) : ILambdaHandler
{
    private readonly JsonLambdaHandler<ApiGatewayProxyRequest, ApiGatewayProxyResponse> _rest = new(
        FunctionsJsonContext.Default.ApiGatewayProxyRequest, FunctionsJsonContext.Default.ApiGatewayProxyResponse, handleRest);

    private readonly JsonLambdaHandler<ApiGatewayHttpApiRequest, ApiGatewayProxyResponse> _httpApi = new(
        FunctionsJsonContext.Default.ApiGatewayHttpApiRequest, FunctionsJsonContext.Default.ApiGatewayProxyResponse, handleHttpApi);

    /// <inheritdoc/>
    public Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> eventJson, LambdaContext context, CancellationToken cancellationToken) =>
        IsHttpApiV2(eventJson.Span)
            ? _httpApi.InvokeAsync(eventJson, context, cancellationToken)
            : _rest.InvokeAsync(eventJson, context, cancellationToken);

    /// <summary>Looks only at the top-level "version" property; nested objects (body, headers) are skipped unread.</summary>
    public static bool IsHttpApiV2(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("version"u8);
            reader.Read();
            if (isVersion)
            {
                return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            }

            reader.Skip();
        }

        return false;
    }
}
