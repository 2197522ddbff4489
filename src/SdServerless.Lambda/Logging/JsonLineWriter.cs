using System.Buffers;
using System.Text.Json;

namespace SdServerless.Lambda.Logging;

/// <summary>
/// Writes whole JSON lines to one output (stdout on Lambda, where each line becomes one CloudWatch event).
/// Log lines and metric lines share it so they never interleave.
/// </summary>
public sealed class JsonLineWriter(Stream output)
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    /// <summary>The writer of the function's stdout, which Lambda sends to CloudWatch Logs.</summary>
    public static JsonLineWriter StandardOutput() => new(Console.OpenStandardOutput());

    /// <summary>Writes one object and its newline in one piece and flushes, so that no other line cuts into it.</summary>
    public void WriteLine(Action<Utf8JsonWriter> writeObject)
    {
        lock (_gate)
        {
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = false }))
            {
                writeObject(writer);
            }

            _buffer.Write("\n"u8);
            output.Write(_buffer.WrittenSpan);
            output.Flush();
        }
    }
}
