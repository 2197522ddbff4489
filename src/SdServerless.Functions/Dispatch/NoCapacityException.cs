namespace SdServerless.Functions.Dispatch;

/// <summary>
/// No server of the task's runtime could take it in time (pool at zero, servers booting, all busy). Not a failure:
/// the task goes back to its queue without spending an attempt.
/// </summary>
/// <param name="gaveWay">
/// The pool registry gave the task back before its wait ended, for the tasks behind it in the queue: it goes back to be
/// received again at once, not after a backoff.
/// </param>
public sealed class NoCapacityException(string runtime, string reason, bool gaveWay = false) : Exception($"no server of runtime '{runtime}' could take the task: {reason}")
{
    public bool GaveWay { get; } = gaveWay;

    public string Runtime { get; } = runtime;

    public string Reason { get; } = reason;
}
