using System.Globalization;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Tasks;
using SdServerless.Core.Validation;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// The API function: API Gateway events in, proxy responses out. Both hosts call it (the local host turns each
/// HTTP request into the same event), so every route, check and rejection lives here once.
/// </summary>
public sealed class ApiHandler(
    TaskParser parser,
    TaskSubmission submission,
    TaskStatusReader statusReader,
    TaskCancellation cancellation,
    TaskListing listing,
    SdServerlessOptions options,
    ILogger<ApiHandler> logger)
{
    private const string TasksPath = "/v1alpha2/tasks/";
    private const string CancelSuffix = "/cancel";

    /// <summary>Answers a REST API event (payload 1.0), the event the local host makes of each request as well.</summary>
    public Task<ApiGatewayProxyResponse> HandleRestAsync(ApiGatewayProxyRequest request, CancellationToken cancellationToken) =>
        HandleAsync(ApiRequestReader.FromRest(request), cancellationToken);

    /// <summary>Answers an HTTP API event (payload 2.0) exactly as its REST counterpart.</summary>
    public Task<ApiGatewayProxyResponse> HandleHttpApiAsync(ApiGatewayHttpApiRequest request, CancellationToken cancellationToken) =>
        HandleAsync(ApiRequestReader.FromHttpApi(request), cancellationToken);

    internal async Task<ApiGatewayProxyResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (!ApiKeyCheck.IsValid(options.ApiKey, request.Header(ApiKeyCheck.HeaderName)))
        {
            return ApiKeyCheck.Refused();
        }

        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        if (path is "/v1alpha2" or "/v1alpha1")
        {
            return request.Method == "POST"
                ? await SubmitAsync(request, path[1..], cancellationToken)
                : MethodNotAllowed("POST");
        }

        if (path == TasksPath.TrimEnd('/'))
        {
            return request.Method == "GET" ? await ListAsync(request, cancellationToken) : MethodNotAllowed("GET");
        }

        if (path.StartsWith(TasksPath, StringComparison.Ordinal) && path.EndsWith(CancelSuffix, StringComparison.Ordinal))
        {
            return request.Method == "POST"
                ? await CancelAsync(Uri.UnescapeDataString(path[TasksPath.Length..^CancelSuffix.Length]), cancellationToken)
                : MethodNotAllowed("POST");
        }

        if (path.StartsWith(TasksPath, StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(path[TasksPath.Length..]);
            return request.Method switch
            {
                "GET" => await GetStatusAsync(id, cancellationToken),
                "DELETE" => await CancelAsync(id, cancellationToken),
                _ => MethodNotAllowed("GET, DELETE"),
            };
        }

        return ApiResults.Problem(404, "not-found", "No such route",
            "Routes: POST /v1alpha2, POST /v1alpha1, GET /v1alpha2/tasks, GET and DELETE /v1alpha2/tasks/{id}, POST /v1alpha2/tasks/{id}/cancel.");
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
                [new FieldError(apiVersion == ApiVersion.V1Alpha2 ? "task.metadata.id" : "alwayson_scripts.id_task", "is already used by a different request")]),
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
            return InvalidId(idProblem);
        }

        TaskStatusView? view;
        try
        {
            view = await statusReader.ReadAsync(id, cancellationToken);
        }
        catch (Core.DependencyUnavailableException ex)
        {
            logger.LogWarning("Status of {TaskId} unavailable: {Reason}", id, ex.Message);
            return StorageUnavailable();
        }

        return view is null ? UnknownTask(id) : ApiResults.Json(200, view.ToBody(), FunctionsJsonContext.Default.TaskStatusBody);
    }

    /// <summary>202 cancelling (again on a second cancel), 200 when already cancelled, 409 when it finished otherwise.</summary>
    private async Task<ApiGatewayProxyResponse> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (KeyRules.CheckId(id) is { } idProblem)
        {
            return InvalidId(idProblem);
        }

        (TaskStatusView View, bool Requested)? outcome;
        try
        {
            outcome = await cancellation.CancelAsync(id, cancellationToken);
        }
        catch (Core.DependencyUnavailableException ex)
        {
            logger.LogWarning("Cancel of {TaskId} unavailable: {Reason}", id, ex.Message);
            return StorageUnavailable();
        }

        if (outcome is not { } found)
        {
            return UnknownTask(id);
        }

        if (found.Requested)
        {
            logger.LogInformation("Task {TaskId}: cancel requested", id);
            return ApiResults.Json(202, new CancelBody(id, "cancelling"), FunctionsJsonContext.Default.CancelBody);
        }

        var status = found.View.Status;
        if (status == TaskStatus.Cancelled)
        {
            return ApiResults.Json(200, new CancelBody(id, "cancelled"), FunctionsJsonContext.Default.CancelBody);
        }

        return ApiResults.Problem(409, "task-finished", "Task already finished",
            $"Task '{id}' already {(status == TaskStatus.Succeeded ? "succeeded" : "failed")}; there is nothing to cancel.",
            taskStatus: status == TaskStatus.Succeeded ? "succeeded" : "failed");
    }

    private async Task<ApiGatewayProxyResponse> ListAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        TaskStatus? status = null;
        if (request.QueryValue("status") is { Length: > 0 } statusText)
        {
            status = Enum.GetValues<TaskStatus>().Cast<TaskStatus?>().FirstOrDefault(s => StatusName(s!.Value) == statusText);
            if (status is null)
            {
                errors.Add(new FieldError("status", "must be one of " + string.Join(", ", Enum.GetValues<TaskStatus>().Select(StatusName))));
            }
        }

        var limit = TaskListing.DefaultLimit;
        if (request.QueryValue("limit") is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > TaskListing.MaxLimit))
        {
            errors.Add(new FieldError("limit", $"must be a whole number from 1 to {TaskListing.MaxLimit}"));
        }

        string? after = null;
        if (request.QueryValue("cursor") is { Length: > 0 } cursor && (after = TaskListing.DecodeCursor(cursor)) is null)
        {
            errors.Add(new FieldError("cursor", "is not a cursor this API returned"));
        }

        if (errors.Count > 0)
        {
            return ApiResults.Problem(400, "validation-failed", "Invalid listing parameters",
                string.Create(CultureInfo.InvariantCulture, $"{errors.Count} parameter{(errors.Count == 1 ? " is" : "s are")} invalid."), errors);
        }

        TaskListing.Page page;
        try
        {
            page = await listing.ListAsync(status, limit, after, cancellationToken);
        }
        catch (Core.DependencyUnavailableException ex)
        {
            logger.LogWarning("Listing unavailable: {Reason}", ex.Message);
            return StorageUnavailable();
        }

        return ApiResults.Json(200, new TaskListBody([.. page.Tasks.Select(task => task.ToBody())], page.NextCursor),
            FunctionsJsonContext.Default.TaskListBody);
    }

    private static string StatusName(TaskStatus status) =>
        System.Text.Json.JsonSerializer.Serialize(status, Core.Json.CoreJsonContext.Default.TaskStatus).Trim('"');

    private static ApiGatewayProxyResponse InvalidId(string idProblem) =>
        ApiResults.Problem(400, "validation-failed", "Invalid task id", "The task id " + idProblem + ".", [new FieldError("id", idProblem)]);

    private static ApiGatewayProxyResponse UnknownTask(string id) =>
        ApiResults.Problem(404, "unknown-task", "Unknown task", $"No task '{id}' was accepted.");

    private static ApiGatewayProxyResponse StorageUnavailable() =>
        ApiResults.Problem(503, "unavailable", "Storage unreachable", "Retry later.",
            headers: new Dictionary<string, string> { ["Retry-After"] = "1" });

    /// <summary>The same answer whether the task is new or was accepted before (a replay).</summary>
    private ApiGatewayProxyResponse Accepted(TaskRecord record)
    {
        var task = record.Task;
        var statusUrl = options.PublicBaseUrl is { } baseUrl ? $"{baseUrl.TrimEnd('/')}{TasksPath}{Uri.EscapeDataString(task.Id)}" : null;
        return task.ApiVersion == ApiVersion.V1Alpha1
            ? ApiResults.Json(200, new AcceptedV1Alpha1Body(task.Id, task.Model, record.OutputLocation, statusUrl),
                FunctionsJsonContext.Default.AcceptedV1Alpha1Body)
            : ApiResults.Json(200, new AcceptedV1Alpha2Body(task.Id, task.Runtime, record.OutputLocation, task.Id, statusUrl),
                FunctionsJsonContext.Default.AcceptedV1Alpha2Body);
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
