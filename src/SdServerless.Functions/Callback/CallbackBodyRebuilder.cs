using System.Text.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The body a replay sends for a dead letter: built again from the task's result.json, with image links signed
/// now, while that result is still the one the letter was made from (same webhook-id); otherwise the body as it was
/// dead-lettered (inline, or kept in the bucket when it was too large for a message).
/// </summary>
public sealed class CallbackBodyRebuilder(IObjectStore store, IObjectUrlSigner urlSigner, CallbackOptions callbackOptions)
{
    /// <returns>Null when nothing of the callback is left to send.</returns>
    public async Task<byte[]?> RebuildAsync(CallbackDeadLetter letter, CancellationToken cancellationToken)
    {
        if ((letter.ResultKey ?? ResultKeyOf(letter.Payload)) is { } resultKey
            && (await TaskResultFile.ReadAsync(store, resultKey, cancellationToken)).Result is { } result
            && WebhookIds.ForResult(store.BucketName, resultKey, result.CompletedAt) == letter.WebhookId)
        {
            var payload = CallbackPayloadBuilder.Build(result, store.BucketName, resultKey, urlSigner, callbackOptions.ImageUrlLifetime);
            return CallbackJson.Serialize(payload);
        }

        if (letter.Payload is { ValueKind: JsonValueKind.Object } inline)
        {
            return CallbackJson.Serialize(inline);
        }

        if (letter.PayloadKey is { } payloadKey && await store.GetAsync(payloadKey, cancellationToken) is { } stored)
        {
            return stored.Content.ToArray();
        }

        return null;
    }

    /// <summary>Letters written before they named their result: the body's output_url, s3://BUCKET/KEY, names it.</summary>
    private string? ResultKeyOf(JsonElement? payload)
    {
        var prefix = TaskKeys.S3Uri(store.BucketName, "");
        return payload is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("output_url", out var outputUrl)
            && outputUrl.ValueKind == JsonValueKind.String
            && outputUrl.GetString() is { } uri
            && uri.StartsWith(prefix, StringComparison.Ordinal)
            && TaskKeys.IsResult(uri[prefix.Length..])
                ? uri[prefix.Length..]
                : null;
    }
}
