using System.Globalization;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Tasks;
using SdServerless.Core.Validation;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Api;

/// <summary>
/// The API function: API Gateway events in, proxy responses out. Both hosts call it (the local host turns each
/// HTTP request into the same event), so every route, check and rejection lives here once.
/// </summary>
public sealed class ApiHandler(
    TaskParser parser,
    TaskSubmission submission,
    TaskStatusReader statusReader,
    SdServerlessOptions options,
    ILogger<ApiHandler> logger)
{
    private const string TasksPath = "/v1alpha2/tasks/";

    public Task<ApiGatewayProxyResponse> HandleRestAsync(ApiGatewayProxyRequest request, CancellationToken cancellationToken) =>
        HandleAsync(ApiRequestReader.FromRest(request), cancellationToken);

    public Task<ApiGatewayProxyResponse> HandleHttpApiAsync(ApiGatewayHttpApiRequest request, CancellationToken cancellationToken) =>
        HandleAsync(ApiRequestReader.FromHttpApi(request), cancellationToken);

    internal async Task<ApiGatewayProxyResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (!ApiKeyCheck.IsValid(options.ApiKey, request.Header(ApiKeyCheck.HeaderName)))
        {
            return ApiResults.Problem(401, "unauthorized", "Missing or wrong API key", "Send the API key in the x-api-key header.");
        }

        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        if (path is "/v1alpha2" or "/v1alpha1")
        {
            return request.Method == "POST"
                ? await SubmitAsync(request, path[1..], cancellationToken)
                : MethodNotAllowed("POST");
        }

        if (path.StartsWith(TasksPath, StringComparison.Ordinal))
        {
            return request.Method == "GET"
                ? await GetStatusAsync(Uri.UnescapeDataString(path[TasksPath.Length..]), cancellationToken)
                : MethodNotAllowed("GET");
        }

        return ApiResults.Problem(404, "not-found", "No such route",
            "Routes: POST /v1alpha2, POST /v1alpha1, GET /v1alpha2/tasks/{id}.");
    }

    private async Task<ApiGatewayProxyResponse> SubmitAsync(ApiRequest request, string apiVersion, CancellationToken cancellationToken)
    {
        if (!IsJson(request.Header("Content-Type")))
        {
            return ApiResults.Problem(415, "unsupported-media-type", "Body must be JSON",
                $"Send Content-Type: application/json (got '{request.Header("Content-Type")}').");
        }

        if (request.Body.Length > options.MaxBodyBytes)
        {
            return ApiResults.PayloadTooLarge(options.MaxBodyBytes);
        }

        var parsed = await parser.ParseAsync(request.Body, apiVersion, cancellationToken);
        if (parsed.IsMalformedJson)
        {
            return ApiResults.Problem(400, "malformed-json", "Body is not valid JSON", parsed.Errors[0].Message, parsed.Errors);
        }

        if (!parsed.IsValid || parsed.Task is null || parsed.RequestHash is null)
        {
            var count = parsed.Errors.Count;
            return ApiResults.Problem(400, "validation-failed", "The task is invalid",
                string.Create(CultureInfo.InvariantCulture, $"{count} field{(count == 1 ? " is" : "s are")} invalid."), parsed.Errors);
        }

        var outcome = await submission.SubmitAsync(parsed.Task, parsed.RequestHash, cancellationToken);
        return outcome.Result switch
        {
            SubmissionResult.Accepted or SubmissionResult.Replayed => Accepted(outcome.Record!),
            SubmissionResult.Conflict => ApiResults.Problem(409, "conflict", "Task id already used",
                $"Task '{parsed.Task.Id}' was accepted with a different request; choose another id.",
                [new FieldError(apiVersion == "v1alpha2" ? "task.metadata.id" : "alwayson_scripts.id_task", "is already used by a different request")]),
            SubmissionResult.Busy => ApiResults.Problem(429, "queue-full", "Too many queued tasks",
                "The queue is deeper than its configured limit; retry later.", headers: new Dictionary<string, string> { ["Retry-After"] = "5" }),
            _ => ApiResults.Problem(503, "unavailable", "Queue or storage unreachable",
                "Nothing was accepted; the same request can be sent again.", headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
        };
    }

    private async Task<ApiGatewayProxyResponse> GetStatusAsync(string id, CancellationToken cancellationToken)
    {
        if (KeyRules.CheckId(id) is { } idProblem)
        {
            return ApiResults.Problem(400, "validation-failed", "Invalid task id", "The task id " + idProblem + ".", [new FieldError("id", idProblem)]);
        }

        TaskStatusView? view;
        try
        {
            view = await statusReader.ReadAsync(id, cancellationToken);
        }
        catch (Core.DependencyUnavailableException ex)
        {
            logger.LogWarning("Status of {TaskId} unavailable: {Reason}", id, ex.Message);
            return ApiResults.Problem(503, "unavailable", "Storage unreachable", "Retry later.",
                headers: new Dictionary<string, string> { ["Retry-After"] = "1" });
        }

        return view is null
            ? ApiResults.Problem(404, "unknown-task", "Unknown task", $"No task '{id}' was accepted.")
            : ApiResults.Json(200, view.WriteTo);
    }

    private ApiGatewayProxyResponse Accepted(TaskRecord record)
    {
        var task = record.Task;
        return ApiResults.Json(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id_task", task.Id);
            if (task.ApiVersion == "v1alpha1")
            {
                writer.WriteString("sd_model_checkpoint", task.Model);
            }
            else
            {
                writer.WriteString("runtime", task.Runtime);
            }

            writer.WriteString("output_location", record.OutputLocation);
            if (task.ApiVersion != "v1alpha1")
            {
                // Clients of the original implementation read "id".
                writer.WriteString("id", task.Id);
            }

            if (options.PublicBaseUrl is { } baseUrl)
            {
                writer.WriteString("status_url", $"{baseUrl.TrimEnd('/')}{TasksPath}{Uri.EscapeDataString(task.Id)}");
            }

            writer.WriteEndObject();
        });
    }

    private static bool IsJson(string? contentType)
    {
        // No Content-Type is not JSON: a web page can send such a request cross-site without a preflight.
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
        var mediaType = parts[0];
        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charsetIsUtf8 = parts.Skip(1)
            .Where(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
            .All(p => p["charset=".Length..].Trim('"').Replace("-", "", StringComparison.Ordinal).Equals("utf8", StringComparison.OrdinalIgnoreCase));
        return isJson && charsetIsUtf8;
    }

    private static ApiGatewayProxyResponse MethodNotAllowed(string allowed) =>
        ApiResults.Problem(405, "method-not-allowed", "Method not allowed", $"This route takes {allowed}.",
            headers: new Dictionary<string, string> { ["Allow"] = allowed });
}
