using Amazon.S3;
using Amazon.SQS;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The whole simulated AWS deployment of one run: the stack on moto, the GPU servers (booting until told to join), the
/// api and dispatcher functions as Lambda environments, and one SQS event source mapping per runtime's task queue onto
/// the dispatcher (as template.yaml declares them). Callbacks are not run: no figure depends on them.
/// </summary>
public sealed class PoolDeployment : IAsyncDisposable
{
    private readonly List<SqsEventSource> _eventSources = [];
    private readonly AmazonS3Client _s3;
    private readonly AmazonSQSClient _eventSourceSqs;
    private readonly AmazonSQSClient _uncountedSqs;

    private PoolDeployment(PoolStack stack, PoolTopology topology)
    {
        Stack = stack;
        Topology = topology;
        _s3 = stack.CreateS3();
        _eventSourceSqs = stack.CreateSqs(stack.Functions.Url);
        _uncountedSqs = stack.CreateSqs();
    }

    public PoolStack Stack { get; }

    public PoolTopology Topology { get; }

    public List<GpuServerProcess> Servers { get; } = [];

    public LambdaFunction Api { get; private set; } = null!;

    public LambdaFunction Dispatcher { get; private set; } = null!;

    public PoolClient Client => new(Api, _s3);

    public IReadOnlyList<SqsEventSource> EventSources => _eventSources;

    public static async Task<PoolDeployment> StartAsync(PoolTopology topology, CancellationToken cancellationToken)
    {
        var stack = await PoolStack.CreateAsync([.. topology.Runtimes.Select(r => r.Name)], separateMoto: !topology.OneMoto, cancellationToken);
        var deployment = new PoolDeployment(stack, topology);
        try
        {
            await deployment.StartProcessesAsync(cancellationToken);
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public IEnumerable<GpuServerProcess> ServersOf(string runtime) => Servers.Where(s => s.Options.Runtime == runtime);

    public async Task<IReadOnlyList<GpuServerLog>> LogsAsync(IEnumerable<GpuServerProcess> servers, CancellationToken cancellationToken) =>
        await Task.WhenAll(servers.Select(s => s.LogAsync(cancellationToken)));

    /// <summary>The event sources' failed invocations and the last error, for the report; empty when there were none.</summary>
    public string? EventSourceErrors =>
        _eventSources.Sum(e => e.FailedInvocations) is var failed and > 0
            ? $"{failed} dispatcher invocation(s) failed; last: {_eventSources.Select(e => e.LastError).LastOrDefault(e => e is not null)}"
            : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var eventSource in _eventSources)
        {
            await eventSource.DisposeAsync();
        }

        if (Dispatcher is not null)
        {
            await Dispatcher.DisposeAsync();
        }

        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        foreach (var server in Servers)
        {
            server.Dispose();
        }

        _s3.Dispose();
        _eventSourceSqs.Dispose();
        _uncountedSqs.Dispose();
        await Stack.DisposeAsync();
    }

    private async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var environment = Stack.FunctionEnvironment(
            Stack.RuntimesJson(Topology.Runtimes.ToDictionary(r => r.Name, r => r.Models)), Topology.Runtimes[0].Name);
        var servers = Topology.Runtimes.SelectMany(runtime => Enumerable.Range(0, runtime.Gpus).Select(_ => new GpuServerOptions(
            $"http://127.0.0.1:{LoopbackPort.Next()}", runtime.Name, runtime.Models, Topology.DelayMs, Topology.SwitchMs,
            PoolStack.TableName, Stack.Servers.Url)));
        var serverStarts = servers.Select(options => GpuServerProcess.StartAsync(options, cancellationToken)).ToList();
        var api = LambdaFunction.StartAsync("sdserverless-api", "api", Topology.ApiEnvironments, TimeSpan.FromSeconds(30), environment, cancellationToken);
        var dispatcher = LambdaFunction.StartAsync(
            "sdserverless-dispatcher", "dispatcher", Topology.Runtimes.Sum(Topology.MaxConcurrency), TimeSpan.FromSeconds(900), environment, cancellationToken);
        try
        {
            await Task.WhenAll([.. serverStarts, api, dispatcher]);
        }
        finally
        {
            // Whatever started is disposed with the deployment, even when another start failed.
            Servers.AddRange(serverStarts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            Api = api.IsCompletedSuccessfully ? api.Result : null!;
            Dispatcher = dispatcher.IsCompletedSuccessfully ? dispatcher.Result : null!;
        }

        foreach (var runtime in Topology.Runtimes)
        {
            var eventSource = new SqsEventSource(_eventSourceSqs, _uncountedSqs, Stack.Functions, Stack.TaskQueues[runtime.Name], Dispatcher, Topology.BatchSize, Topology.MaxConcurrency(runtime));
            eventSource.Start();
            _eventSources.Add(eventSource);
        }
    }
}
