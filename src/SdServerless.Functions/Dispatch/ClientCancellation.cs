namespace SdServerless.Functions.Dispatch;

/// <summary>The client cancelled the task before its request reached SD Web UI: it finishes as cancelled, with no images.</summary>
public sealed class ClientCancellation() : Exception("the task was cancelled at the client's request");
