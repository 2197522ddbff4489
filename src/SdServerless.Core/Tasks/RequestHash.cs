using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SdServerless.Core.Tasks;

/// <summary>
/// The idempotency fingerprint of a request: SHA-256 over a canonical JSON form (no comments or whitespace, object
/// keys sorted by their UTF-8 bytes, strings re-escaped one way), so that the same request re-sent with other
/// formatting hashes equal and any changed value does not. Numbers keep their text: 16 and 16.0 differ.
/// </summary>
public static class RequestHash
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        MaxDepth = 1000,

        // Only what JSON itself requires: base64's '+' and '/' stay one byte each (the output is hashed, never shown).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The fingerprint of <paramref name="root"/>: lowercase hex SHA-256 of its canonical form.</summary>
    /// <param name="root">The request body, parsed.</param>
    public static string Compute(JsonElement root)
    {
        using var hashing = new HashingBufferWriter();
        using (var writer = new Utf8JsonWriter(hashing, WriterOptions))
        {
            Write(writer, root);
        }

        return hashing.ToHex();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, element);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (raw.Contains((byte)'\\'))
                {
                    writer.WriteStringValue(element.GetString());
                }
                else
                {
                    writer.WriteStringValue(raw[1..^1]);
                }

                break;
            default:
                // Numbers, true, false, null: their literal text.
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement element)
    {
        var count = element.GetPropertyCount();
        var properties = ArrayPool<JsonProperty>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var property in element.EnumerateObject())
            {
                properties[n++] = property;
            }

            var sorted = properties.AsSpan(0, n);
            Sort(sorted);
            writer.WriteStartObject();
            foreach (var property in sorted)
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(property);
                if (name.Contains((byte)'\\'))
                {
                    writer.WritePropertyName(property.Name);
                }
                else
                {
                    writer.WritePropertyName(name);
                }

                Write(writer, property.Value);
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<JsonProperty>.Shared.Return(properties, clearArray: true);
        }
    }

    /// <summary>Insertion sort for the few keys of a typical object (no delegate calls); a general sort beyond that.</summary>
    private static void Sort(Span<JsonProperty> properties)
    {
        if (properties.Length > 16)
        {
            properties.Sort(static (a, b) => Compare(a, b));
            return;
        }

        for (var i = 1; i < properties.Length; i++)
        {
            var current = properties[i];
            var j = i - 1;
            while (j >= 0 && Compare(properties[j], current) > 0)
            {
                properties[j + 1] = properties[j];
                j--;
            }

            properties[j + 1] = current;
        }
    }

    private static int Compare(JsonProperty a, JsonProperty b) =>
        JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b));

    /// <summary>Feeds the writer's output straight into the hash, so a body of megabytes is never copied whole.</summary>
    private sealed class HashingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

        public void Advance(int count) => _hash.AppendData(_buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0) => EnsureCapacity(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => EnsureCapacity(sizeHint);

        public string ToHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public void Dispose()
        {
            _hash.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        private byte[] EnsureCapacity(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(sizeHint);
            }

            return _buffer;
        }
    }
}
