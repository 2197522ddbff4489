using System.Net;
using System.Net.Http.Headers;

namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// A client of the HTTP API: submits a burst of tasks, then waits for their result.json files (read straight from the
/// local store: polling the status endpoint would load the 2-core machine the benchmark measures).
/// </summary>
public sealed class TaskClient(BenchmarkHost host) : IDisposable
{
    /// <summary>A burst is sent over this many connections (Kestrel would accept more; the machine has 2 cores).</summary>
    public const int MaxConnections = 32;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = MaxConnections })
    {
        BaseAddress = host.Host.BaseUrl,
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Submits every task at once; returns when the API has accepted all of them.</summary>
    public async Task SubmitAllAsync(IReadOnlyList<TaskSpec> tasks, CancellationToken cancellationToken)
    {
        var bodies = tasks.Select(t => t.ToV1Alpha2Body()).ToList();
        await Task.WhenAll(bodies.Select(body => SubmitAsync(body, cancellationToken)));
    }

    public async Task SubmitAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        using var response = await _http.PostAsync("v1alpha2", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"submission refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Waits until every task has its result.json; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<TaskOutcome>> WaitForAllAsync(IReadOnlyList<TaskSpec> tasks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = tasks.ToDictionary(t => t.Id);
        var outcomes = new List<TaskOutcome>(tasks.Count);
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var task in pending.Values.ToList())
            {
                if (await TryReadAsync(task, cancellationToken) is { } outcome)
                {
                    outcomes.Add(outcome);
                    pending.Remove(task.Id);
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{pending.Count} of {tasks.Count} tasks did not finish within {timeout}");
            }

            await Task.Delay(100, cancellationToken);
        }

        return outcomes;
    }

    private async Task<TaskOutcome?> TryReadAsync(TaskSpec task, CancellationToken cancellationToken)
    {
        var path = host.ObjectPath(task.ResultKey);
        if (!File.Exists(path))
        {
            return null;
        }

        // result.json is created by rename, so an existing file is complete.
        await using var stream = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return TaskOutcome.FromResult(task, document.RootElement);
    }

    public void Dispose() => _http.Dispose();
}
