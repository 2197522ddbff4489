namespace SdServerless.Functions.Dispatch;

/// <summary>The error.type values a failed task's result.json carries.</summary>
public static class DispatchErrorTypes
{
    public const string SdWebUiRejected = "sdwebui_rejected";
    public const string SdWebUiError = "sdwebui_error";
    public const string SdWebUiOutOfMemory = "sdwebui_out_of_memory";
    public const string NoImages = "sdwebui_no_images";
    public const string PoolUnavailable = "pool_unavailable";
    public const string PoolTimeout = "pool_timeout";
    public const string NoCapacity = "no_capacity";
    public const string UnknownModel = "unknown_model";
    public const string UnknownRuntime = "unknown_runtime";
    public const string InputUnavailable = "input_unavailable";
    public const string InputNotImage = "input_not_image";
    public const string InputTooLarge = "input_too_large";
    public const string InputAddressRefused = "input_address_refused";
    public const string InputInvalid = "input_invalid";
    public const string StorageUnavailable = "storage_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>The message came back more often than the attempt limit: earlier attempts ended without an answer (a crash).</summary>
    public const string AttemptsExhausted = "attempts_exhausted";

    /// <summary>Not a failure: the error of a task cancelled at the client's request.</summary>
    public const string Cancelled = "cancelled";
}
