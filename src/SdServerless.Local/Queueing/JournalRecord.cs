using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SdServerless.Local.Queueing;

internal enum JournalOperation
{
    Send,
    Receive,
    Delete,
}

/// <summary>
/// One line of the queue journal, written as a JSON object with <see cref="Utf8JsonWriter"/> (no serializer, so no
/// reflection): <c>send</c> carries the whole message, <c>recv</c> its new receive count, <c>del</c> only its id.
/// </summary>
internal readonly record struct JournalRecord(
    JournalOperation Operation,
    string Id,
    string? Body = null,
    long SentAtMs = 0,
    long VisibleAtMs = 0,
    int ReceiveCount = 0)
{
    // Bodies are JSON themselves; escaping '<' or non-ASCII text would only make the journal bigger.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteLine(ArrayBufferWriter<byte> output)
    {
        using (var json = new Utf8JsonWriter(output, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("op", Operation switch
            {
                JournalOperation.Send => "send",
                JournalOperation.Receive => "recv",
                _ => "del",
            });
            json.WriteString("id", Id);
            if (Operation == JournalOperation.Send)
            {
                json.WriteNumber("sent", SentAtMs);
                json.WriteNumber("visible", VisibleAtMs);
                json.WriteString("body", Body);
            }

            if (Operation != JournalOperation.Delete)
            {
                json.WriteNumber("count", ReceiveCount);
            }

            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    /// <summary>Parses one line; null when it is not a complete record (a write torn by a crash).</summary>
    public static JournalRecord? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? op = null, id = null, body = null;
            long sent = 0, visible = 0;
            var count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "op": op = reader.GetString(); break;
                    case "id": id = reader.GetString(); break;
                    case "body": body = reader.GetString(); break;
                    case "sent": sent = reader.GetInt64(); break;
                    case "visible": visible = reader.GetInt64(); break;
                    case "count": count = reader.GetInt32(); break;
                    default: reader.Skip(); break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || id is null)
            {
                return null;
            }

            return op switch
            {
                "send" when body is not null => new JournalRecord(JournalOperation.Send, id, body, sent, visible, count),
                "recv" => new JournalRecord(JournalOperation.Receive, id, ReceiveCount: count),
                "del" => new JournalRecord(JournalOperation.Delete, id),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
