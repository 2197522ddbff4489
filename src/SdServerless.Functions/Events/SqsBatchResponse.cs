using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>Partial batch response (needs FunctionResponseTypes: ReportBatchItemFailures): these messages come back.</summary>
public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    public sealed class BatchItemFailure
    {
        [JsonPropertyName("itemIdentifier")]
        public string ItemIdentifier { get; set; } = "";
    }
}
