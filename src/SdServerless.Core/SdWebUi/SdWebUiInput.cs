using System.Text.Json;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// One resolved input image: downloaded bytes (written as base64 straight into the request body, no
/// intermediate string) or base64 text that the client sent (a data-URL's payload, or plain base64).
/// </summary>
public sealed class SdWebUiInput
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _base64;

    private SdWebUiInput(ReadOnlyMemory<byte> bytes, string? base64)
    {
        _bytes = bytes;
        _base64 = base64;
    }

    /// <summary>An input the dispatcher downloaded; encoded as base64 only as the request body is written.</summary>
    /// <param name="bytes">The image file as downloaded.</param>
    public static SdWebUiInput FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    /// <summary>An input the client sent inline, passed on as the base64 text it is.</summary>
    /// <param name="base64">The base64 payload, without a data-URL prefix.</param>
    public static SdWebUiInput FromBase64(string base64) => new(default, base64);

    /// <summary>The downloaded bytes, or empty when the input is base64 text.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Writes the input as the JSON string SD Web UI expects: base64 image data.</summary>
    /// <param name="writer">The request body being written, positioned where the value goes.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        if (_base64 is not null)
        {
            writer.WriteStringValue(_base64);
        }
        else
        {
            writer.WriteBase64StringValue(_bytes.Span);
        }
    }
}
