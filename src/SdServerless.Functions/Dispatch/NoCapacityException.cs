namespace SdServerless.Functions.Dispatch;

/// <summary>
/// No server of the task's runtime could take it in time (pool at zero, servers booting, all busy). Not a failure:
/// the task goes back to its queue without spending an attempt.
/// </summary>
public sealed class NoCapacityException(string runtime, string reason) : Exception($"no server of runtime '{runtime}' could take the task: {reason}")
{
    public string Runtime { get; } = runtime;

    public string Reason { get; } = reason;
}
