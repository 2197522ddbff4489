using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Configuration;
using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// One generation: resolve the inputs (before a GPU is claimed, so downloads never hold one), lease a slot of a
/// server in the pool, match the model against its checkpoints, build the request with their title, call SD Web UI and stream its images into
/// storage. The slot is released as soon as SD Web UI starts answering, not after the images are stored, so its GPU
/// does not wait for us. No slot within the wait is <see cref="NoCapacityException"/>. The generation's deadline
/// starts with the lease (waiting for a slot does not count); when it passes before the server answered, the server
/// is interrupted if our request is the one it runs, never when it runs someone else's. A <see cref="TaskWatch"/>
/// follows the task meanwhile: a client's cancel ends the wait for a slot (<see cref="ClientCancellation"/>) or
/// interrupts the server under the same rule, and the server's progress goes to the caller once a second.
/// </summary>
public sealed partial class TaskGenerator(
    InputResolver inputs,
    IPoolRegistry registry,
    ModelCatalog catalog,
    SdWebUiClient client,
    SdWebUiCredentials credentials,
    TaskOutputWriter output,
    SdServerlessOptions options,
    DispatcherOptions settings,
    TimeProvider clock,
    ILogger<TaskGenerator> logger)
{
    /// <summary>Leases a server for the task, sends its request and stores its images; failures come out as <see cref="DispatchFailure"/>.</summary>
    /// <param name="task">The task to run, inputs still as the client sent them.</param>
    /// <param name="deadline">When the invocation ends; null when only <paramref name="cancellationToken"/> bounds it.</param>
    /// <param name="avoidServer">A server the task must not run on (its last attempt ran out of memory there), or null.</param>
    /// <param name="admitted">
    /// Whether the task may still run (it is not finished, cancelled or superseded), read while the slot is sought; it is
    /// awaited once the slot is leased, before anything goes to the server. False: the slot is given back and the
    /// generation ends with <see cref="OperationCanceledException"/> (the caller cancels <paramref name="cancellationToken"/> with it).
    /// </param>
    /// <param name="starting">
    /// Called once a server is claimed for the task, as the request goes out: only then is the task running (a
    /// prefetched task waiting for a free GPU is still queued). What it writes goes out while the request does, not
    /// before it (a round trip less between a free GPU and its next task); it is awaited before the output returns.
    /// </param>
    /// <param name="progressed">Called about once a second while the request runs: share done (0..1), seconds left.</param>
    /// <param name="cancellationToken">Ends the wait for a server and the request.</param>
    /// <exception cref="ClientCancellation">The client cancelled the task before its request went out.</exception>
    public async Task<GeneratedOutput> GenerateAsync(
        SdTask task,
        DateTimeOffset? deadline,
        string? avoidServer,
        Task<bool> admitted,
        Func<CancellationToken, Task> starting,
        Func<double, double?, CancellationToken, Task> progressed,
        CancellationToken cancellationToken)
    {
        if (!options.Runtimes.Any(r => r.Name == task.Runtime))
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.UnknownRuntime, $"the runtime '{task.Runtime}' is not configured");
        }

        await using var watch = new TaskWatch(task, output, client, settings.WatchInterval, clock, logger, cancellationToken);
        var resolved = await inputs.ResolveAsync(task, cancellationToken);

        var lease = await LeaseAsync(task, deadline, avoidServer, watch.CancelRequested, cancellationToken);
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var generationDone = new CancellationTokenSource();
        var enforcing = EnforceDeadlineAsync(lease, deadline, generation, generationDone.Token);

        Task? releasing = null;
        Task? marking = null;
        var sent = false;
        try
        {
            await credentials.PrepareAsync(lease.Runtime, lease.Url, generation.Token);
            SdWebUiModel? checkpoint = null;
            if (task.Model is { } model && (checkpoint = await catalog.FindAsync(task.Runtime, lease.Url, model, generation.Token)) is null)
            {
                var served = string.Join(", ", catalog.KnownTitles(lease.Url));
                throw DispatchFailure.Permanent(
                    DispatchErrorTypes.UnknownModel,
                    $"the checkpoint '{model}' is not served by runtime '{task.Runtime}' (SD Web UI would silently use another one); it serves: {served}");
            }

            if (!await admitted)
            {
                throw new OperationCanceledException("the task may no longer run", cancellationToken);
            }

            if (watch.CancelRequested.IsCancellationRequested)
            {
                throw new ClientCancellation();
            }

            // The server's own title: the one name of the checkpoint every SD Web UI version resolves.
            var body = SdWebUiRequestBuilder.Build(task, resolved, checkpoint?.Title);
            marking = starting(generation.Token);
            logger.LogInformation("Task {TaskId} sent to {Endpoint} ({TaskType})", task.Id, lease.Url, task.TaskType);
            watch.Sent(lease.Url, ct => registry.IsRunningAsync(lease, ct), progressed);
            var images = new List<TaskResultImage>();
            var sentAt = clock.GetTimestamp();
            sent = true;
            var response = await client.GenerateAsync(
                lease.Url,
                task.TaskType,
                body,
                async (number, image, ct) => images.Add(await output.WriteImageAsync(task, number, image, ct)),
                generation.Token,

                // The server's GPU is free once it answers: the next task may go to it while these images are stored.
                answering: () => releasing = ReleaseAsync(lease));
            await marking;
            if (images.Count == 0 && ExpectsImages(task) && !watch.InterruptSent)
            {
                throw DispatchFailure.Permanent(
                    DispatchErrorTypes.NoImages,
                    "SD Web UI answered without any image (was the generation interrupted on the server?)");
            }

            return new GeneratedOutput(images, response.Parameters, response.Info, clock.GetElapsedTime(sentAt), watch.InterruptSent);
        }
        catch (Exception e) when (generation.IsCancellationRequested && releasing is null && e is not ClientCancellation)
        {
            // The deadline passed before the server answered: it may still work on our request, or have it queued.
            if (sent)
            {
                await InterruptIfRunningAsync(lease);
            }

            if (e is DispatchFailure)
            {
                throw;
            }

            throw DispatchFailure.Transient(DispatchErrorTypes.PoolTimeout, "SD Web UI did not finish before the deadline", e);
        }
        catch (DispatchFailure e) when (e.Error.Type == DispatchErrorTypes.SdWebUiOutOfMemory && e.IsTransient)
        {
            throw await ElsewhereAsync(task, lease, e);
        }
        finally
        {
            await generationDone.CancelAsync();
            await enforcing;
            await (releasing ?? ReleaseAsync(lease));
            await SettleAsync(marking);
        }
    }

    /// <summary>
    /// Out of memory is a matter of the server (its GPU, what else it holds), so the one retry goes to another server of
    /// the runtime; with no other server registered it would only run out of memory again, and the task fails now.
    /// </summary>
    private async Task<DispatchFailure> ElsewhereAsync(SdTask task, PoolLease lease, DispatchFailure outOfMemory)
    {
        IReadOnlyList<PoolServer> servers;
        try
        {
            using var bounded = new CancellationTokenSource(settings.BookkeepingTimeout);
            servers = await registry.ServersAsync(task.Runtime, bounded.Token);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // Unknown: the retry waits for another server, as it would for capacity.
            servers = [];
        }

        if (servers.Count > 0 && servers.All(s => PoolServer.SameUrl(s.Url, lease.Url)))
        {
            return DispatchFailure.Permanent(
                DispatchErrorTypes.SdWebUiOutOfMemory,
                $"{outOfMemory.Error.Message} (runtime '{task.Runtime}' has no other server to retry it on)",
                outOfMemory);
        }

        return new DispatchFailure(outOfMemory.Error, true, outOfMemory, outOfMemory.AttemptLimit) { AvoidServer = lease.Url };
    }

    /// <summary>Waits for the running mark when the generation failed first: its own failure no longer matters.</summary>
    private static async Task SettleAsync(Task? marking)
    {
        if (marking is { IsCompletedSuccessfully: false })
        {
            try
            {
                await marking;
            }
            catch (Exception)
            {
                // Either awaited above, where its failure fails the task, or the generation's failure is the one reported.
            }
        }
    }

    /// <summary>
    /// Cancels <paramref name="generation"/> when its deadline passes. The generation timeout counts from when our
    /// request runs, not while it waits in SD Web UI's queue behind another task's (a request sent ahead): while the
    /// registry says it is queued, checked every second, the timeout has not started. It waits so at most one timeout:
    /// the request ahead of ours ends within its own. What the invocation leaves is a hard limit either way.
    /// </summary>
    private async Task EnforceDeadlineAsync(PoolLease lease, DateTimeOffset? invocationEnd, CancellationTokenSource generation, CancellationToken done)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = settings.GenerationTimeout;
        var hard = LongestGeneration(invocationEnd);
        try
        {
            var due = hard;
            if (timeout is { } own)
            {
                while (!await RunningOrUnknownAsync(lease, done))
                {
                    // Under a millisecond Task.Delay completes at once: counted as reached, or this would spin.
                    var left = hard!.Value - Stopwatch.GetElapsedTime(started);
                    if (left < TimeSpan.FromMilliseconds(1))
                    {
                        break;
                    }

                    await Task.Delay(left < QueuedCheckInterval ? left : QueuedCheckInterval, done);
                }

                var restarted = Stopwatch.GetElapsedTime(started) + own;
                due = restarted < hard!.Value ? restarted : hard;
            }

            if (due is not { } end)
            {
                return;
            }

            var wait = end - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, done);
            }

            await generation.CancelAsync();
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
            // The generation ended first.
        }
    }

    /// <summary>How often a request queued behind another one is checked, once its timeout passed.</summary>
    private static readonly TimeSpan QueuedCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Whether our request runs on the server; an unreachable registry counts as running (the deadline holds).</summary>
    private async Task<bool> RunningOrUnknownAsync(PoolLease lease, CancellationToken cancellationToken)
    {
        try
        {
            return await registry.IsRunningAsync(lease, cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return true;
        }
    }

    /// <summary>
    /// Waits for a slot only while the invocation keeps enough time for a generation after the wait; no slot in that
    /// time is no capacity.
    /// </summary>
    private async Task<PoolLease> LeaseAsync(SdTask task, DateTimeOffset? deadline, string? avoidServer, CancellationToken cancelRequested, CancellationToken cancellationToken)
    {
        var wait = settings.FreeSlotWait;
        if (deadline is { } end)
        {
            var spare = end - settings.BookkeepingTimeout - settings.RequiredGenerationTime - clock.GetUtcNow();
            if (spare < TimeSpan.Zero)
            {
                throw new NoCapacityException(task.Runtime, "too little of this invocation is left for a generation");
            }

            wait = wait == Timeout.InfiniteTimeSpan || spare < wait ? spare : wait;
        }

        // The lease outlives the generation's deadline, so that a crashed dispatcher's slot frees on its own.
        var duration = LongestGeneration(deadline) is { } window ? window + settings.LeaseMargin : settings.LeaseDuration;
        PoolLease? lease;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cancelRequested);
        var waitStarted = Stopwatch.GetTimestamp();
        try
        {
            lease = await registry.AcquireAsync(new LeaseRequest(task.Runtime, task.Id, task.Model, duration, avoidServer), wait, waiting.Token);
        }
        catch (OperationCanceledException) when (cancelRequested.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A cancel seen while the task waited for a slot: its request never reaches SD Web UI.
            throw new ClientCancellation();
        }
        catch (DependencyUnavailableException e)
        {
            // No server was called: like an empty pool, this spends no attempt, and the queueing deadline bounds it.
            throw new NoCapacityException(task.Runtime, $"the pool registry is unreachable ({e.Message})");
        }

        if (lease is null && (wait == Timeout.InfiniteTimeSpan || Stopwatch.GetElapsedTime(waitStarted) < wait))
        {
            throw new NoCapacityException(task.Runtime, "the pool gave way to the tasks behind it in the queue", gaveWay: true);
        }

        return lease ?? throw new NoCapacityException(task.Runtime, wait == Timeout.InfiniteTimeSpan ? "no server had a free slot" : $"no server had a free slot within {wait.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// The longest a generation may hold its slot from now: twice its timeout (one queued behind the request ahead of
    /// it, one running; see <see cref="EnforceDeadlineAsync"/>), cut to what the invocation leaves; null when unbounded.
    /// Both the deadline and the lease follow it.
    /// </summary>
    private TimeSpan? LongestGeneration(DateTimeOffset? deadline)
    {
        var window = settings.GenerationTimeout * 2;
        if (deadline is { } end)
        {
            var left = end - settings.BookkeepingTimeout - clock.GetUtcNow();
            window = window is { } own && own < left ? own : left;
        }

        return window is { } positive && positive < TimeSpan.Zero ? TimeSpan.Zero : window;
    }

    /// <summary>
    /// Interrupts the server only when the registry says our request is the one its GPU runs: interrupting a request
    /// queued behind another's would stop someone else's task.
    /// </summary>
    private async Task InterruptIfRunningAsync(PoolLease lease)
    {
        using var bookkeeping = new CancellationTokenSource(settings.BookkeepingTimeout);
        try
        {
            if (!await registry.IsRunningAsync(lease, bookkeeping.Token))
            {
                LogNotInterrupted(lease.TaskId, lease.Url);
                return;
            }

            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(bookkeeping.Token);
            interrupt.CancelAfter(settings.InterruptTimeout);
            await client.InterruptAsync(lease.Url, interrupt.Token);
            LogInterrupted(lease.TaskId, lease.Url);
        }
        catch (Exception e) when (e is DependencyUnavailableException or DispatchFailure or OperationCanceledException)
        {
            LogInterruptFailed(lease.TaskId, lease.Url, e.Message);
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

    /// <summary>Every task asks for images, except a generation sent with send_images false.</summary>
    private static bool ExpectsImages(SdTask task) =>
        task.TaskType == TaskType.ExtraSingleImage
        || task.Content["send_images"] is not JsonValue send
        || !send.TryGetValue<bool>(out var sendImages)
        || sendImages;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: past its deadline; {Endpoint} interrupted")]
    private partial void LogInterrupted(string taskId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: past its deadline while queued at {Endpoint} behind another request; not interrupted")]
    private partial void LogNotInterrupted(string taskId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: {Endpoint} could not be interrupted ({Error})")]
    private partial void LogInterruptFailed(string taskId, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: its slot on {Endpoint} could not be released ({Error}); it frees when the lease expires")]
    private partial void LogReleaseFailed(string taskId, string endpoint, string error);
}
