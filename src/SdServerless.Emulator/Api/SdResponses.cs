using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace SdServerless.Emulator.Api;

/// <summary>SD Web UI's answer shapes: JSON bodies, its {"error","detail","body","errors"} errors and FastAPI's 422.</summary>
internal static class SdResponses
{
    public static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes <paramref name="body"/> through its source-generated metadata.</summary>
    public static Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> typeInfo) =>
        WriteJsonAsync(context, status, writer => JsonSerializer.Serialize(writer, body, typeInfo));

    /// <summary>The body SD Web UI's exception middleware writes (<see cref="SdErrorBody"/>).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string error, string detail, string errors) =>
        WriteJsonAsync(context, status, new SdErrorBody(error, detail, "", errors), EmulatorJsonContext.Default.SdErrorBody);

    public static Task WriteErrorAsync(HttpContext context, SdError error) =>
        WriteErrorAsync(context, error.Status, error.Error, error.Detail, error.Errors);

    public static Task WriteHttpExceptionAsync(HttpContext context, int status, string detail) =>
        WriteErrorAsync(context, status, "HTTPException", detail, "");

    public static Task WriteValidationAsync(HttpContext context, IReadOnlyList<ValidationIssue> issues) =>
        WriteJsonAsync(context, StatusCodes.Status422UnprocessableEntity,
            new ValidationErrorBody([.. issues.Select(issue => new ValidationErrorDetail(["body", .. issue.Location], issue.Message, issue.Type, issue.Context))]),
            EmulatorJsonContext.Default.ValidationErrorBody);

    /// <summary>FastAPI's 404 for a path without a route.</summary>
    public static Task WriteNotFoundAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status404NotFound, new NotFoundBody("Not Found"), EmulatorJsonContext.Default.NotFoundBody);

    /// <summary>
    /// Reads the body as FastAPI does for a model parameter; on failure writes its 422 and returns null.
    /// </summary>
    public static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength == 0)
        {
            await WriteValidationAsync(context, [new ValidationIssue([], "field required", "value_error.missing")]);
            return null;
        }

        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            var position = (int)(e.BytePositionInLine ?? 0);
            var decode = new JsonDecodeContext(e.Message, position, (e.LineNumber ?? 0) + 1, position + 1);
            await WriteValidationAsync(context, [new ValidationIssue([position], "Expecting value", "value_error.jsondecode", decode)]);
            return null;
        }
    }
}
