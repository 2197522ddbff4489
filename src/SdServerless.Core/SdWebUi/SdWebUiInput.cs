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

    public static SdWebUiInput FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null);

    public static SdWebUiInput FromBase64(string base64) => new(default, base64);

    /// <summary>The downloaded bytes, or empty when the input is base64 text.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

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
