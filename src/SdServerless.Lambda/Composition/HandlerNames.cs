namespace SdServerless.Lambda.Composition;

/// <summary>The function Handler values of template.yaml; Lambda passes the value to the runtime as _HANDLER.</summary>
public static class HandlerNames
{
    /// <summary>The HTTP API: submissions, status, listing, cancellation.</summary>
    public const string Api = "api";
    /// <summary>Runs queued tasks on the SD Web UI pool (SQS events of the task queue).</summary>
    public const string Dispatcher = "dispatcher";
    /// <summary>Sends the webhook of a finished task (S3 events of its result.json).</summary>
    public const string Callback = "callback";

    /// <summary>Delivers the callback dead-letter queue again (invoked by hand or on a schedule).</summary>
    public const string Replay = "replay";

    /// <summary>Every handler the bootstrap knows, for the message that rejects any other _HANDLER.</summary>
    public static readonly IReadOnlyList<string> All = [Api, Dispatcher, Callback, Replay];
}
