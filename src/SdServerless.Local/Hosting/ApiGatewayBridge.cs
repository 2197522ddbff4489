using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using SdServerless.Functions.Api;
using SdServerless.Functions.Events;

namespace SdServerless.Local.Hosting;

/// <summary>
/// Turns each HTTP request into the API Gateway REST (payload 1.0) event Lambda would deliver, runs the same
/// <see cref="ApiHandler"/>, and writes its proxy response back: both hosts share one code path.
/// </summary>
public sealed class ApiGatewayBridge(ApiHandler handler, int maxBodyBytes)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Answers one request; a body over the limit gets 413 without reaching the handler, as API Gateway would.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request, maxBodyBytes + 1, context.RequestAborted);
        var response = body.Length > maxBodyBytes
            ? ApiResults.PayloadTooLarge(maxBodyBytes)
            : await handler.HandleRestAsync(ToEvent(context, body), context.RequestAborted);
        await WriteAsync(context.Response, response, context.RequestAborted);
    }

    /// <summary>
    /// The REST event of a request: its headers single- and multi-valued, its query, and its body as text when it is
    /// valid UTF-8, else base64 with isBase64Encoded set.
    /// </summary>
    public static ApiGatewayProxyRequest ToEvent(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var multiValueHeaders = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
            multiValueHeaders[name] = values.Select(v => v ?? "").ToList();
        }

        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var (text, isBase64) = EncodeBody(body);
        return new ApiGatewayProxyRequest
        {
            Resource = "/{proxy+}",
            Path = request.Path.Value ?? "/",
            HttpMethod = request.Method,
            Headers = headers,
            MultiValueHeaders = multiValueHeaders,
            QueryStringParameters = query.Count > 0 ? query : null,
            PathParameters = new Dictionary<string, string> { ["proxy"] = (request.Path.Value ?? "/").TrimStart('/') },
            Body = text,
            IsBase64Encoded = isBase64,
            RequestContext = new ApiGatewayProxyRequest.ProxyRequestContext
            {
                HttpMethod = request.Method,
                Path = request.Path.Value,
                Protocol = request.Protocol,
                RequestId = context.TraceIdentifier,
                RequestTimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ResourcePath = "/{proxy+}",
                Stage = "local",
                Identity = new ApiGatewayProxyRequest.RequestIdentity
                {
                    SourceIp = context.Connection.RemoteIpAddress?.ToString(),
                    UserAgent = request.Headers.UserAgent.ToString(),
                },
            },
        };
    }

    /// <summary>Text when the bytes are UTF-8, else base64 — as API Gateway does for binary bodies.</summary>
    private static (string? Text, bool IsBase64) EncodeBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, false);
        }

        try
        {
            return (StrictUtf8.GetString(body.Span), false);
        }
        catch (DecoderFallbackException)
        {
            return (Convert.ToBase64String(body.Span), true);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and < int.MaxValue ? (int)Math.Min(request.ContentLength.Value, limit) : 4096);
        while (buffer.WrittenCount < limit)
        {
            var memory = buffer.GetMemory(Math.Min(64 * 1024, limit - buffer.WrittenCount));
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        return buffer.WrittenMemory;
    }

    private static async Task WriteAsync(HttpResponse response, ApiGatewayProxyResponse proxy, CancellationToken cancellationToken)
    {
        response.StatusCode = proxy.StatusCode;
        foreach (var (name, value) in proxy.Headers ?? [])
        {
            response.Headers[name] = value;
        }

        if (proxy.Body is { } body)
        {
            var bytes = proxy.IsBase64Encoded ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken);
        }
    }
}
