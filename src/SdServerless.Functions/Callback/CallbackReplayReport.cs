namespace SdServerless.Functions.Callback;

/// <param name="Delivered">Entries delivered and removed from the queue.</param>
/// <param name="Failed">Entries that failed again (or could not be read); they stay on the queue.</param>
/// <param name="Dropped">Entries removed because the receiver answered 410 Gone.</param>
public sealed record CallbackReplayReport(int Delivered, int Failed, int Dropped);
