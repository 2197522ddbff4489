using System.Text;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Api;

/// <summary>Turns both API Gateway payload formats into one <see cref="ApiRequest"/>.</summary>
internal static class ApiRequestReader
{
    public static ApiRequest FromRest(ApiGatewayProxyRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.MultiValueHeaders is { } multi)
        {
            foreach (var (name, values) in multi)
            {
                headers[name] = string.Join(',', values);
            }
        }

        if (request.Headers is { } single)
        {
            foreach (var (name, value) in single)
            {
                headers[name] = value;
            }
        }

        // REST API paths exclude the stage; a custom domain's base path mapping may still leave one in front.
        var path = StripStage(request.Path ?? request.RequestContext?.Path ?? "/", request.RequestContext?.Stage);
        return new ApiRequest(
            (request.HttpMethod ?? request.RequestContext?.HttpMethod ?? "GET").ToUpperInvariant(),
            path,
            headers,
            DecodeBody(request.Body, request.IsBase64Encoded),
            request.RequestContext?.RequestId,
            request.QueryStringParameters);
    }

    public static ApiRequest FromHttpApi(ApiGatewayHttpApiRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers ?? [], StringComparer.OrdinalIgnoreCase);
        var context = request.RequestContext;
        var path = StripStage(request.RawPath ?? context?.Http?.Path ?? "/", context?.Stage);
        return new ApiRequest(
            (context?.Http?.Method ?? "GET").ToUpperInvariant(),
            path,
            headers,
            DecodeBody(request.Body, request.IsBase64Encoded),
            context?.RequestId,
            request.QueryStringParameters);
    }

    private static string StripStage(string path, string? stage)
    {
        if (string.IsNullOrEmpty(stage) || stage == "$default")
        {
            return path;
        }

        var stagePrefix = "/" + stage;
        return path.StartsWith(stagePrefix + "/", StringComparison.Ordinal) ? path[stagePrefix.Length..] : path;
    }

    private static ReadOnlyMemory<byte> DecodeBody(string? body, bool isBase64Encoded)
    {
        if (string.IsNullOrEmpty(body))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (!isBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            // API Gateway never sends this; treat it as a body that is not JSON rather than failing the invocation.
            return Encoding.UTF8.GetBytes(body);
        }
    }
}
