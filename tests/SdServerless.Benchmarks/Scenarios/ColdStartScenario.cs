using System.Diagnostics;

namespace SdServerless.Benchmarks.Scenarios;

/// <summary>
/// Time from starting the Lambda bootstrap process to its first answered invocation, under a local Runtime API
/// (<see cref="RuntimeApiEmulator"/>, the one the bootstrap tests use): the Native AOT <c>bootstrap</c> against the same code published for the JIT
/// (<c>dotnet bootstrap.dll</c>). The invocation is an API Gateway POST /v1alpha2 with an invalid body, which the api
/// function answers (400) from validation alone, so no AWS service is needed; S3/SQS point at a closed loopback port.
/// Publish both first (docs/performance.md):
/// <c>dotnet publish src/SdServerless.Lambda -c Release -r linux-x64 -o artifacts/publish/lambda-aot</c> and
/// <c>dotnet publish src/SdServerless.Lambda -c Release -p:PublishAot=false -o artifacts/publish/lambda-jit</c>.
/// </summary>
public static class ColdStartScenario
{
    public const string AotVariable = "SDSERVERLESS_BENCH_AOT_BOOTSTRAP";
    public const string JitVariable = "SDSERVERLESS_BENCH_JIT_BOOTSTRAP";

    private const string InvocationEvent = """
        {"resource":"/v1alpha2","path":"/v1alpha2","httpMethod":"POST","headers":{"Content-Type":"application/json"},
         "multiValueHeaders":{"Content-Type":["application/json"]},"queryStringParameters":null,"pathParameters":null,
         "requestContext":{"resourcePath":"/v1alpha2","httpMethod":"POST","path":"/prod/v1alpha2","stage":"prod",
         "requestId":"cold-start-1","identity":{"sourceIp":"127.0.0.1"}},
         "body":"{\"task\":{\"metadata\":{\"id\":\"cold-start\"}}}","isBase64Encoded":false}
        """;

    private const string TraceId = "Root=1-00000000-000000000000000000000000;Sampled=0";

    public static async Task<ScenarioResult> RunAsync(int runs, string artifacts, CancellationToken cancellationToken)
    {
        var repository = RepositoryRoot();
        var aot = Environment.GetEnvironmentVariable(AotVariable) ?? Path.Combine(repository, "artifacts", "publish", "lambda-aot", "bootstrap");
        var jit = Environment.GetEnvironmentVariable(JitVariable) ?? Path.Combine(repository, "artifacts", "publish", "lambda-jit", "bootstrap.dll");
        var result = new ScenarioResult("cold-start", "api function, first invocation");
        result.Parameters["runs"] = runs.ToString(CultureInfo.InvariantCulture);
        result.Parameters["aot_bootstrap"] = aot;
        result.Parameters["jit_bootstrap"] = jit;
        if (!File.Exists(aot) || !File.Exists(jit))
        {
            result.Notes.Add($"not measured: publish the bootstrap first (AOT at {aot}, JIT at {jit}); see docs/performance.md");
            return result;
        }

        var aotTimes = new List<double>();
        var jitTimes = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternating, so that a change in the machine's load hits both alike.
            aotTimes.Add(await TimeOneAsync(new ProcessStartInfo(aot), result, cancellationToken));
            var dotnet = new ProcessStartInfo("dotnet");
            dotnet.ArgumentList.Add(jit);
            jitTimes.Add(await TimeOneAsync(dotnet, result, cancellationToken));
        }

        var aotMedian = Percentiles.Of(aotTimes, 50);
        var jitMedian = Percentiles.Of(jitTimes, 50);
        result.Add("aot_p50", aotMedian, "ms");
        result.Add("aot_min", aotTimes.Min(), "ms");
        result.Add("aot_max", aotTimes.Max(), "ms");
        result.Add("jit_p50", jitMedian, "ms");
        result.Add("jit_min", jitTimes.Min(), "ms");
        result.Add("jit_max", jitTimes.Max(), "ms");
        var ratio = aotMedian / jitMedian;
        result.Add("aot_over_jit", ratio * 100, "%", "≤ 20", ratio <= 0.2);
        return result;
    }

    private static async Task<double> TimeOneAsync(ProcessStartInfo start, ScenarioResult result, CancellationToken cancellationToken)
    {
        await using var api = await RuntimeApiEmulator.StartAsync();
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Address;
        start.Environment["_HANDLER"] = "api";
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["AWS_ACCESS_KEY_ID"] = "benchmark";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "benchmark";
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "sdserverless-api";
        start.Environment["SDSERVERLESS_BUCKET"] = "outputbucket";
        start.Environment["SDSERVERLESS_TASK_QUEUE_URL"] = "http://127.0.0.1:9/000000000000/tasks";
        start.Environment["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = "http://127.0.0.1:9";
        start.Environment["SDSERVERLESS_S3_SERVICE_URL"] = "http://127.0.0.1:9";
        start.Environment["SDSERVERLESS_SQS_SERVICE_URL"] = "http://127.0.0.1:9";
        var output = new StringBuilder();

        // Queued before the process starts, so that its first invocation/next gets the event at once.
        var invoked = api.InvokeAsync(InvocationEvent, TimeSpan.FromSeconds(60), TraceId, functionTimeout: TimeSpan.FromSeconds(60));
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(invoked, api.InitError).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var answered = await first;
            if (answered.IsError)
            {
                var outcome = answered.RequestId is null ? "init error" : "invocation error";
                throw new InvalidOperationException($"{start.FileName} posted an {outcome}: {answered.Body}\n{output}");
            }

            if (result.Notes.Count == 0)
            {
                result.Notes.Add("first response: " + (answered.Body.Length > 300 ? answered.Body[..300] + "…" : answered.Body));
            }

            return Stopwatch.GetElapsedTime(started, answered.PostedAt).TotalMilliseconds;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
