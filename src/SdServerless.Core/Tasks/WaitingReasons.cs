namespace SdServerless.Core.Tasks;

/// <summary>The waiting_for values of a queued task's state.json and status.</summary>
public static class WaitingReasons
{
    /// <summary>No SD Web UI server could take it (pool at zero, booting, or all busy); no attempt was spent.</summary>
    public const string Capacity = "capacity";

    /// <summary>An attempt failed transiently; the task waits for its retry.</summary>
    public const string RetryBackoff = "retry_backoff";
}
