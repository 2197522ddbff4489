namespace SdServerless.Core.Storage;

/// <summary>
/// Object-created notifications of a store that raises them in-process (the local directory store).
/// On AWS the same notifications are S3 events delivered to the callback function.
/// </summary>
public interface IObjectCreatedSource
{
    /// <summary>Called after every successful create or put, with the bucket, key and size.</summary>
    event Func<ObjectCreated, CancellationToken, Task>? ObjectCreated;
}
