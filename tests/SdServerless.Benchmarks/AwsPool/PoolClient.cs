using Amazon.S3;
using Amazon.S3.Model;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// A client of the deployment: submits tasks as API Gateway events to the api function (what API Gateway does with a
/// POST /v1alpha2) and collects each task's result.json from the bucket (read straight from moto, uncounted).
/// </summary>
public sealed class PoolClient(LambdaFunction api, IAmazonS3 s3)
{
    public async Task SubmitAsync(TaskSpec task, CancellationToken cancellationToken)
    {
        var answer = await api.InvokeAsync(Event(task.ToV1Alpha2Body()), cancellationToken);
        using var response = JsonDocument.Parse(answer.Body);
        if (answer.IsError || !response.RootElement.TryGetProperty("statusCode", out var status) || status.GetInt32() != 200)
        {
            throw new InvalidOperationException($"the api function refused task {task.Id}: {answer.Body}");
        }
    }

    /// <summary>
    /// Waits until every task has its result.json (or the timeout passes: the tasks without one are missing from the
    /// answer, and counted as failed by the caller).
    /// </summary>
    public async Task<IReadOnlyList<TaskOutcome>> WaitForAllAsync(IReadOnlyList<TaskSpec> tasks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = tasks.ToDictionary(t => t.ResultKey, StringComparer.Ordinal);
        var outcomes = new List<TaskOutcome>(tasks.Count);
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            string? continuation = null;
            do
            {
                var listed = await s3.ListObjectsV2Async(
                    new ListObjectsV2Request { BucketName = PoolStack.Bucket, Prefix = TaskSpec.Prefix + "/", ContinuationToken = continuation },
                    cancellationToken);
                foreach (var key in (listed.S3Objects ?? []).Select(o => o.Key).Where(pending.ContainsKey).ToList())
                {
                    using var result = await s3.GetObjectAsync(PoolStack.Bucket, key, cancellationToken);
                    using var document = await JsonDocument.ParseAsync(result.ResponseStream, cancellationToken: cancellationToken);
                    outcomes.Add(TaskOutcome.FromResult(pending[key], document.RootElement));
                    pending.Remove(key);
                }

                continuation = listed.IsTruncated == true ? listed.NextContinuationToken : null;
            }
            while (continuation is not null);

            if (pending.Count > 0)
            {
                await Task.Delay(500, cancellationToken);
            }
        }

        return outcomes;
    }

    private static string Event(byte[] body)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["x-api-key"] = "bench-key" };
        return JsonSerializer.Serialize(
            new ApiGatewayProxyRequest
            {
                Resource = "/v1alpha2",
                Path = "/v1alpha2",
                HttpMethod = "POST",
                Headers = headers,
                MultiValueHeaders = headers.ToDictionary(h => h.Key, h => new List<string> { h.Value }),
                RequestContext = new ApiGatewayProxyRequest.ProxyRequestContext
                {
                    AccountId = "123456789012",
                    ApiId = "bench",
                    HttpMethod = "POST",
                    Path = "/prod/v1alpha2",
                    ResourcePath = "/v1alpha2",
                    Stage = "prod",
                    RequestId = Guid.NewGuid().ToString(),
                    RequestTimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    Identity = new ApiGatewayProxyRequest.RequestIdentity { ApiKey = "bench-key", SourceIp = "203.0.113.10" },
                },
                Body = Encoding.UTF8.GetString(body),
            },
            FunctionsJsonContext.Default.ApiGatewayProxyRequest);
    }
}
