namespace SdServerless.Functions.Dispatch;

/// <summary>One request's claim on an endpoint; disposing it frees the slot (once).</summary>
public sealed class EndpointLease : IDisposable
{
    private readonly Action<EndpointLease> _release;
    private int _released;

    internal EndpointLease(string endpoint, Action<EndpointLease> release)
    {
        Endpoint = endpoint;
        _release = release;
    }

    public string Endpoint { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release(this);
        }
    }
}
