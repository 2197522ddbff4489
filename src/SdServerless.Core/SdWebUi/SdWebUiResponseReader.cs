using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// Reads an SD Web UI answer ({"images":[b64...],"parameters":{},"info":"..."} or extras' {"image":b64}) from a
/// stream, one JSON step at a time, and hands each decoded image to a sink as soon as it is complete. At most one
/// image's base64 text and its decoded bytes are held at once, both in pooled buffers: a batch of large images
/// never becomes one giant string.
/// </summary>
public static class SdWebUiResponseReader
{
    /// <summary>Receives image number <c>n</c> (from 1); the bytes are only valid until the returned task completes.</summary>
    public delegate Task ImageSink(int number, ReadOnlyMemory<byte> image, CancellationToken cancellationToken);

    /// <summary>
    /// The longest single value (an image's base64, the info text) read from an answer: a 4× upscale of the largest
    /// generated side as an uncompressible PNG is about 360 MB of base64. A longer value fails the task instead of the
    /// process.
    /// </summary>
    public const int DefaultMaxValueBytes = 512 * 1024 * 1024;

    /// <summary>
    /// Images read from one answer at most: a task makes at most 16 (batch_size × n_iter), and SD Web UI may add a grid
    /// and a script's extra outputs (ControlNet's detected maps, one per unit and image).
    /// </summary>
    public const int MaxImages = 64;

    private const int InitialBufferSize = 64 * 1024;

    /// <summary>Reads the answer to its end, handing each image to <paramref name="sink"/> in order; the rest (parameters, info) is returned.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="sink">Stores each image before the next one is read.</param>
    /// <param name="cancellationToken">Stops the read (and is passed on to the sink).</param>
    /// <param name="maxValueBytes">The longest single value accepted (<see cref="DefaultMaxValueBytes"/> unless a test lowers it).</param>
    /// <exception cref="InvalidDataException">The answer holds too many images, too long a value or an image that is not base64.</exception>
    /// <exception cref="EndOfStreamException">The answer ended in the middle of its JSON.</exception>
    public static async Task<SdWebUiResponse> ReadAsync(Stream stream, ImageSink sink, CancellationToken cancellationToken, int maxValueBytes = DefaultMaxValueBytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var start = 0;
        var end = 0;
        var endOfStream = false;
        var state = new JsonReaderState();
        var progress = new Progress();
        try
        {
            while (true)
            {
                var step = ResponseStep.Next(buffer.AsSpan(start, end - start), ref state, progress, out var consumed, out var image);
                switch (step)
                {
                    case StepResult.Finished:
                        return new SdWebUiResponse(progress.ImageCount, progress.Parameters, progress.Info);
                    case StepResult.Progress:
                        start += consumed;
                        break;
                    case StepResult.Image when progress.ImageCount >= MaxImages:
                        throw new InvalidDataException($"SD Web UI's answer holds more than {MaxImages} images");
                    case StepResult.Image:
                        var text = image.Escaped is { } copy ? copy.AsMemory() : buffer.AsMemory(start + image.Offset, image.Length);
                        await DecodeToSinkAsync(text, ++progress.ImageCount, sink, cancellationToken);
                        if (image.Escaped is { } escaped)
                        {
                            ArrayPool<byte>.Shared.Return(escaped.Array!);
                        }

                        start += consumed;
                        break;
                    case StepResult.NeedMore when endOfStream:
                        throw new EndOfStreamException("SD Web UI's answer ended in the middle of its JSON");
                    case StepResult.NeedMore:
                        (buffer, start, end) = MakeRoom(buffer, start, end, maxValueBytes);
                        (end, endOfStream) = await FillAsync(stream, buffer, end, cancellationToken);
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Fills the free space rather than taking one network read: a step that needs more bytes is re-parsed from its
    /// start, so re-parsing only when the buffer has filled keeps a large image's cost linear.
    /// </summary>
    private static async Task<(int End, bool EndOfStream)> FillAsync(Stream stream, byte[] buffer, int end, CancellationToken cancellationToken)
    {
        while (end < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                return (end, true);
            }

            end += read;
        }

        return (end, false);
    }

    /// <summary>Moves unread bytes to the front, and doubles the buffer when a single value fills it.</summary>
    private static (byte[] Buffer, int Start, int End) MakeRoom(byte[] buffer, int start, int end, int maxValueBytes)
    {
        var pending = end - start;
        if (pending == buffer.Length && pending >= maxValueBytes)
        {
            throw new InvalidDataException($"a value in SD Web UI's answer is longer than {maxValueBytes / (1024 * 1024.0):0.#} MiB");
        }

        var target = pending == buffer.Length ? ArrayPool<byte>.Shared.Rent(buffer.Length * 2) : buffer;
        Buffer.BlockCopy(buffer, start, target, 0, pending);
        if (target != buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (target, 0, pending);
    }

    private static async Task DecodeToSinkAsync(ReadOnlyMemory<byte> base64, int number, ImageSink sink, CancellationToken cancellationToken)
    {
        var text = StripDataUrlPrefix(base64);
        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        try
        {
            var status = Base64.DecodeFromUtf8(text.Span, decoded, out _, out var written);
            if (status != OperationStatus.Done)
            {
                throw new InvalidDataException($"image {number} of SD Web UI's answer is not valid base64");
            }

            await sink(number, decoded.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>SD Web UI sends bare base64; some scripts send data-URLs.</summary>
    private static ReadOnlyMemory<byte> StripDataUrlPrefix(ReadOnlyMemory<byte> text)
    {
        if (!text.Span.StartsWith("data:"u8))
        {
            return text;
        }

        var comma = text.Span.IndexOf((byte)',');
        return comma < 0 ? text : text[(comma + 1)..];
    }

    internal enum StepResult
    {
        NeedMore,
        Progress,
        Image,
        Finished,
    }

    /// <summary>Where the current image's base64 text is: in the read buffer, or unescaped into a pooled copy.</summary>
    internal readonly record struct ImageText(int Offset, int Length, ArraySegment<byte>? Escaped);

    internal sealed class Progress
    {
        public bool RootClosed { get; set; }

        public bool InImages { get; set; }

        public int ImageCount { get; set; }

        public JsonNode? Parameters { get; set; }

        public JsonNode? Info { get; set; }
    }
}
