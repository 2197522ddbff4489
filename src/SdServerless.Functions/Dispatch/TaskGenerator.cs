using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Configuration;
using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// One generation: resolve the inputs (before a GPU is claimed, so downloads never hold one), build the request,
/// lease a slot of a server in the pool, check the model against it, call SD Web UI and stream its images into
/// storage. The slot is released as soon as SD Web UI starts answering, not after the images are stored, so its GPU
/// does not wait for us.
/// </summary>
public sealed partial class TaskGenerator(
    InputResolver inputs,
    IPoolRegistry registry,
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
    public async Task<GeneratedOutput> GenerateAsync(SdTask task, Func<CancellationToken, Task> starting, CancellationToken cancellationToken)
    {
        if (!options.Runtimes.Any(r => r.Name == task.Runtime))
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.UnknownRuntime, $"the runtime '{task.Runtime}' is not configured");
        }

        var resolved = await inputs.ResolveAsync(task, cancellationToken);
        var body = SdWebUiRequestBuilder.Build(task, resolved);

        var lease = await registry.AcquireAsync(new LeaseRequest(task.Runtime, task.Id, task.Model, settings.LeaseDuration), settings.FreeSlotWait, cancellationToken)
            ?? throw DispatchFailure.Transient(DispatchErrorTypes.PoolUnavailable, $"no SD Web UI server of runtime '{task.Runtime}' had a free slot");
        Task? releasing = null;
        try
        {
            if (task.Model is { } model && await catalog.FindAsync(task.Runtime, lease.Url, model, cancellationToken) is null)
            {
                var served = string.Join(", ", catalog.KnownTitles(lease.Url));
                throw DispatchFailure.Permanent(
                    DispatchErrorTypes.UnknownModel,
                    $"the checkpoint '{model}' is not served by runtime '{task.Runtime}' (SD Web UI would silently use another one); it serves: {served}");
            }

            await starting(cancellationToken);
            logger.LogInformation("Task {TaskId} sent to {Endpoint} ({TaskType})", task.Id, lease.Url, task.TaskType);
            var images = new List<TaskResultImage>();
            var sentAt = clock.GetTimestamp();
            var response = await client.GenerateAsync(
                lease.Url,
                task.TaskType,
                body,
                async (number, image, ct) => images.Add(await output.WriteImageAsync(task, number, image, ct)),
                cancellationToken,

                // The server's GPU is free once it answers: the next task may go to it while these images are stored.
                answering: () => releasing = ReleaseAsync(lease));
            return new GeneratedOutput(images, response.Parameters, response.Info, clock.GetElapsedTime(sentAt));
        }
        finally
        {
            await (releasing ?? ReleaseAsync(lease));
        }
    }

    /// <summary>Not the task's token: a task past its deadline still gives its slot back.</summary>
    private async Task ReleaseAsync(PoolLease lease)
    {
        try
        {
            await registry.ReleaseAsync(lease, CancellationToken.None);
        }
        catch (DependencyUnavailableException e)
        {
            // The lease runs out on its own; the task's outcome does not depend on it.
            LogReleaseFailed(lease.TaskId, lease.Url, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: its slot on {Endpoint} could not be released ({Error}); it frees when the lease expires")]
    private partial void LogReleaseFailed(string taskId, string endpoint, string error);
}
