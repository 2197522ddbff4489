using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>Partial batch response (needs FunctionResponseTypes: ReportBatchItemFailures): these messages come back.</summary>
public sealed class SqsBatchResponse
{
    /// <summary><c>batchItemFailures</c>: the messages that failed: they become visible again; every other one is deleted.</summary>
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    /// <summary>One entry of batchItemFailures.</summary>
    public sealed class BatchItemFailure
    {
        /// <summary><c>itemIdentifier</c>: the failed message's messageId.</summary>
        [JsonPropertyName("itemIdentifier")]
        public string ItemIdentifier { get; set; } = "";
    }
}
