namespace SdServerless.Functions.Dispatch;

/// <summary>The error.type values a failed task's result.json carries.</summary>
public static class DispatchErrorTypes
{
    /// <summary>SD Web UI answered 4xx: the request is one it will not run, so retrying cannot help.</summary>
    public const string SdWebUiRejected = "sdwebui_rejected";

    /// <summary>SD Web UI failed in a way a retry would repeat (a 500 other than out of memory, an unreadable answer).</summary>
    public const string SdWebUiError = "sdwebui_error";

    /// <summary>The GPU ran out of memory: retried a few times, on another server when there is one.</summary>
    public const string SdWebUiOutOfMemory = "sdwebui_out_of_memory";

    /// <summary>SD Web UI answered success but with no image.</summary>
    public const string NoImages = "sdwebui_no_images";

    /// <summary>The server could not be reached or was busy (connection errors, 408, 429, 502-504): retried.</summary>
    public const string PoolUnavailable = "pool_unavailable";

    /// <summary>The generation did not finish before its deadline: retried.</summary>
    public const string PoolTimeout = "pool_timeout";

    /// <summary>No server of the runtime took the task before its queueing deadline.</summary>
    public const string NoCapacity = "no_capacity";

    /// <summary>The checkpoint the task names is on none of its runtime's servers.</summary>
    public const string UnknownModel = "unknown_model";

    /// <summary>The task names a runtime the dispatcher is not configured with (the configuration changed after acceptance).</summary>
    public const string UnknownRuntime = "unknown_runtime";

    /// <summary>An input URL could not be downloaded (an error status, too many redirects); retried when the status says it may pass.</summary>
    public const string InputUnavailable = "input_unavailable";

    /// <summary>An input is not an image SD Web UI can read.</summary>
    public const string InputNotImage = "input_not_image";

    /// <summary>An input, or the task's inputs together, pass the size limit.</summary>
    public const string InputTooLarge = "input_too_large";

    /// <summary>An input URL points at an address the policy refuses (loopback, private, link-local).</summary>
    public const string InputAddressRefused = "input_address_refused";

    /// <summary>An input field holds neither a URL, a data-URL nor base64.</summary>
    public const string InputInvalid = "input_invalid";

    /// <summary>The object store could not be read or written: retried.</summary>
    public const string StorageUnavailable = "storage_unavailable";

    /// <summary>An unexpected exception in the dispatcher itself: retried, then reported with its message.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The message came back more often than the attempt limit: earlier attempts ended without an answer (a crash).</summary>
    public const string AttemptsExhausted = "attempts_exhausted";

    /// <summary>Not a failure: the error of a task cancelled at the client's request.</summary>
    public const string Cancelled = "cancelled";
}
