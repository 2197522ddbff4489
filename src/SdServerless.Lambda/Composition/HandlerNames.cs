namespace SdServerless.Lambda.Composition;

/// <summary>The function Handler values of template.yaml; Lambda passes the value to the runtime as _HANDLER.</summary>
public static class HandlerNames
{
    public const string Api = "api";
    public const string Dispatcher = "dispatcher";
    public const string Callback = "callback";

    /// <summary>Delivers the callback dead-letter queue again (invoked by hand or on a schedule).</summary>
    public const string Replay = "replay";

    public static readonly IReadOnlyList<string> All = [Api, Dispatcher, Callback, Replay];
}
