using System.Text.Json;
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

    /// <summary>The body SD Web UI's exception middleware writes: HTTPException puts its message in "detail",
    /// other exceptions put theirs in "errors".</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string error, string detail, string errors) =>
        WriteJsonAsync(context, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("detail", detail);
            writer.WriteString("body", "");
            writer.WriteString("errors", errors);
            writer.WriteEndObject();
        });

    public static Task WriteErrorAsync(HttpContext context, SdError error) =>
        WriteErrorAsync(context, error.Status, error.Error, error.Detail, error.Errors);

    public static Task WriteHttpExceptionAsync(HttpContext context, int status, string detail) =>
        WriteErrorAsync(context, status, "HTTPException", detail, "");

    public static Task WriteValidationAsync(HttpContext context, IReadOnlyList<ValidationIssue> issues) =>
        WriteJsonAsync(context, StatusCodes.Status422UnprocessableEntity, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("detail");
            foreach (var issue in issues)
            {
                writer.WriteStartObject();
                writer.WriteStartArray("loc");
                writer.WriteStringValue("body");
                foreach (var part in issue.Location)
                {
                    if (part is int index)
                    {
                        writer.WriteNumberValue(index);
                    }
                    else
                    {
                        writer.WriteStringValue(part.ToString());
                    }
                }

                writer.WriteEndArray();
                writer.WriteString("msg", issue.Message);
                writer.WriteString("type", issue.Type);
                if (issue.ContextJson is not null)
                {
                    writer.WritePropertyName("ctx");
                    writer.WriteRawValue(issue.ContextJson);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

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
            var context422 = $"{{\"msg\":{JsonSerializer.Serialize(e.Message, EmulatorJsonContext.Default.String)}," +
                $"\"pos\":{position},\"lineno\":{(e.LineNumber ?? 0) + 1},\"colno\":{position + 1}}}";
            await WriteValidationAsync(context, [new ValidationIssue([position], "Expecting value", "value_error.jsondecode", context422)]);
            return null;
        }
    }
}
