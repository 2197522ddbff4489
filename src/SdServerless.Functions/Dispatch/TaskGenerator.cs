using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// One generation: resolve the inputs (before a GPU is claimed, so downloads never hold one), build the request,
/// choose an endpoint, check the model against it, call SD Web UI and stream its images into storage. The endpoint is
/// released as soon as SD Web UI starts answering, not after the images are stored, so its GPU does not wait for us.
/// </summary>
public sealed class TaskGenerator(
    InputResolver inputs,
    EndpointSelector selector,
    ModelCatalog catalog,
    SdWebUiClient client,
    TaskOutputWriter output,
    SdServerlessOptions options,
    DispatcherSettings settings,
    TimeProvider clock,
    ILogger<TaskGenerator> logger)
{
    /// <param name="starting">
    /// Called once a server is claimed for the task, just before the request goes out: only then is the task running
    /// (a prefetched task waiting for a free GPU is still queued).
    /// </param>
    /// <param name="progressed">Called about once a second while the request runs: share done (0..1), seconds left.</param>
    /// <exception cref="ClientCancellation">The client cancelled the task before its request went out.</exception>
    public async Task<GeneratedOutput> GenerateAsync(
        SdTask task, Func<CancellationToken, Task> starting, Func<double, double?, CancellationToken, Task> progressed, CancellationToken cancellationToken)
    {
        var runtime = options.Runtimes.FirstOrDefault(r => r.Name == task.Runtime)
            ?? throw DispatchFailure.Permanent(DispatchErrorTypes.UnknownRuntime, $"the runtime '{task.Runtime}' is not configured");
        if (runtime.Endpoints.Count == 0)
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.PoolUnavailable, $"the runtime '{task.Runtime}' has no SD Web UI endpoint configured");
        }

        await using var watch = new TaskWatch(task, output, client, settings.WatchInterval, clock, logger, cancellationToken);
        var resolved = await inputs.ResolveAsync(task, cancellationToken);
        var body = SdWebUiRequestBuilder.Build(task, resolved);

        using var lease = await AcquireAsync(runtime.Endpoints, task.Model, watch.CancelRequested, cancellationToken);
        if (task.Model is { } model && await catalog.FindAsync(lease.Endpoint, model, cancellationToken) is null)
        {
            var served = string.Join(", ", catalog.KnownTitles(lease.Endpoint));
            throw DispatchFailure.Permanent(
                DispatchErrorTypes.UnknownModel,
                $"the checkpoint '{model}' is not served by runtime '{task.Runtime}' (SD Web UI would silently use another one); it serves: {served}");
        }

        if (watch.CancelRequested.IsCancellationRequested)
        {
            throw new ClientCancellation();
        }

        await starting(cancellationToken);
        logger.LogInformation("Task {TaskId} sent to {Endpoint} ({TaskType})", task.Id, lease.Endpoint, task.TaskType);
        watch.Sent(lease.Endpoint, () => selector.RunsAlone(lease), progressed);
        var images = new List<TaskResultImage>();
        var sentAt = clock.GetTimestamp();
        var response = await client.GenerateAsync(
            lease.Endpoint,
            task.TaskType,
            body,
            async (number, image, ct) => images.Add(await output.WriteImageAsync(task, number, image, ct)),
            cancellationToken,

            // The server's GPU is free once it answers: the next task may go to it while these images are stored.
            answering: lease.Dispose);
        return new GeneratedOutput(images, response.Parameters, response.Info, clock.GetElapsedTime(sentAt), watch.InterruptSent);
    }

    /// <summary>Waits for a server; a cancel seen meanwhile ends the wait (the request never reaches SD Web UI).</summary>
    private async Task<EndpointLease> AcquireAsync(IReadOnlyList<string> endpoints, string? model, CancellationToken cancelRequested, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cancelRequested);
        try
        {
            return await selector.AcquireAsync(endpoints, model, settings.WaitForFreeEndpoint, waiting.Token);
        }
        catch (OperationCanceledException) when (cancelRequested.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ClientCancellation();
        }
    }
}
