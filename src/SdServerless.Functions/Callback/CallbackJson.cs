using System.Text.Encodings.Web;
using System.Text.Json;
using SdServerless.Functions.Json;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The serializer settings of webhook bodies: the default encoder would turn every non-ASCII character of a
/// client's context into \uXXXX; a JSON body (not HTML) does not need that, and clients get their text back as sent.
/// </summary>
internal static class CallbackJson
{
    public static readonly FunctionsJsonContext Context = new(new JsonSerializerOptions(FunctionsJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static byte[] Serialize(CallbackPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, Context.CallbackPayload);

    public static byte[] Serialize(JsonElement payload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            payload.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
