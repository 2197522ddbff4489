namespace SdServerless.Functions.Callback;

/// <param name="Delivered">Entries delivered and removed from the queue.</param>
/// <param name="Failed">Entries that failed again, were not tried (their receiver failed earlier in the run), or could not be read; they stay on the queue.</param>
/// <param name="Dropped">Entries removed undelivered: the receiver answered 410 Gone, or nothing of the callback is left to send.</param>
/// <param name="Remaining">Entries on the queue after the replay (approximate on SQS): the failed ones and any not read.</param>
/// <param name="EventsRerun">S3 events the callback function had failed on, run through it again and removed from their queue
/// (each either delivered its webhook or left a dead letter for the next replay).</param>
/// <param name="EventsFailed">Such events that failed again (or could not be read); they stay on their queue.</param>
public sealed record CallbackReplayReport(int Delivered, int Failed, int Dropped, long Remaining, int EventsRerun = 0, int EventsFailed = 0);
