namespace SdServerless.Functions.Dispatch;

/// <summary>
/// No server of the task's runtime could take it in time (pool at zero, servers booting, all busy). Not a failure:
/// the task goes back to its queue without spending an attempt.
/// </summary>
/// <param name="runtime">The runtime whose pool had no room.</param>
/// <param name="reason">Why, for the log and the task's waiting reason.</param>
/// <param name="gaveWay">
/// The pool registry gave the task back before its wait ended, for the tasks behind it in the queue: it goes back to be
/// received again after a second (<see cref="DispatcherOptions.GiveWayDelay"/>), not after a backoff.
/// </param>
public sealed class NoCapacityException(string runtime, string reason, bool gaveWay = false) : Exception($"no server of runtime '{runtime}' could take the task: {reason}")
{
    /// <summary>The registry gave the task back for the ones behind it: requeued after a second, not after a backoff.</summary>
    public bool GaveWay { get; } = gaveWay;

    /// <summary>The runtime whose pool had no room.</summary>
    public string Runtime { get; } = runtime;

    /// <summary>Why no server took the task.</summary>
    public string Reason { get; } = reason;
}
