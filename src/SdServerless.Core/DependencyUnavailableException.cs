namespace SdServerless.Core;

/// <summary>
/// A dependency (queue, object store) could not be reached or answered with a server-side error.
/// The operation may be retried unchanged; API callers turn this into 503.
/// </summary>
public sealed class DependencyUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
