using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
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
    public async Task<GeneratedOutput> GenerateAsync(SdTask task, Func<CancellationToken, Task> starting, CancellationToken cancellationToken)
    {
        var runtime = options.Runtimes.FirstOrDefault(r => r.Name == task.Runtime)
            ?? throw DispatchFailure.Permanent(DispatchErrorTypes.UnknownRuntime, $"the runtime '{task.Runtime}' is not configured");
        if (runtime.Endpoints.Count == 0)
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.PoolUnavailable, $"the runtime '{task.Runtime}' has no SD Web UI endpoint configured");
        }

        var resolved = await inputs.ResolveAsync(task, cancellationToken);

        using var lease = await selector.AcquireAsync(runtime.Endpoints, task.Model, settings.WaitForFreeEndpoint, cancellationToken);
        SdWebUiModel? checkpoint = null;
        if (task.Model is { } model && (checkpoint = await catalog.FindAsync(lease.Endpoint, model, cancellationToken)) is null)
        {
            var served = string.Join(", ", catalog.KnownTitles(lease.Endpoint));
            throw DispatchFailure.Permanent(
                DispatchErrorTypes.UnknownModel,
                $"the checkpoint '{model}' is not served by runtime '{task.Runtime}' (SD Web UI would silently use another one); it serves: {served}");
        }

        // The server's own title: the one name of the checkpoint every SD Web UI version resolves.
        var body = SdWebUiRequestBuilder.Build(task, resolved, checkpoint?.Title);

        await starting(cancellationToken);
        logger.LogInformation("Task {TaskId} sent to {Endpoint} ({TaskType})", task.Id, lease.Endpoint, task.TaskType);
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
        if (images.Count == 0 && ExpectsImages(task))
        {
            throw DispatchFailure.Permanent(
                DispatchErrorTypes.NoImages,
                $"SD Web UI at {lease.Endpoint} answered without any image (was the generation interrupted on the server?)");
        }

        return new GeneratedOutput(images, response.Parameters, response.Info, clock.GetElapsedTime(sentAt));
    }

    /// <summary>Every task asks for images, except a generation sent with send_images false.</summary>
    private static bool ExpectsImages(SdTask task) =>
        task.TaskType == TaskType.ExtraSingleImage
        || task.Content["send_images"] is not JsonValue send
        || !send.TryGetValue<bool>(out var sendImages)
        || sendImages;
}
