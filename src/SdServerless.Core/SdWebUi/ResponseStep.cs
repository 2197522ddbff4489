using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using static SdServerless.Core.SdWebUi.SdWebUiResponseReader;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// One all-or-nothing step of <see cref="SdWebUiResponseReader"/>: a token, or a whole top-level property when
/// it is kept (parameters, info) or skipped. When the buffered bytes end inside the step it reports NeedMore and
/// changes nothing, so the caller can read more and run the same step again.
/// </summary>
internal static class ResponseStep
{
    public static StepResult Next(ReadOnlySpan<byte> data, ref JsonReaderState state, Progress progress, out int consumed, out ImageText image)
    {
        consumed = 0;
        image = default;
        if (progress.RootClosed)
        {
            return StepResult.Finished;
        }

        // Never a final block: the answer is one object, complete at its closing brace; running out before it is NeedMore.
        var reader = new Utf8JsonReader(data, isFinalBlock: false, state);
        if (!reader.Read())
        {
            return StepResult.NeedMore;
        }

        var result = StepResult.Progress;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject when reader.CurrentDepth == 0:
                break;
            case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                progress.RootClosed = true;
                break;
            case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                result = Property(ref reader, data, progress, out image);
                break;
            case JsonTokenType.String when progress.InImages:
                image = Locate(ref reader);
                result = StepResult.Image;
                break;
            case JsonTokenType.Null when progress.InImages:
                break;
            case JsonTokenType.EndArray when progress.InImages:
                progress.InImages = false;
                break;
            default:
                throw new InvalidDataException($"unexpected {reader.TokenType} in SD Web UI's answer");
        }

        if (result != StepResult.NeedMore)
        {
            consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
        }

        return result;
    }

    private static StepResult Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, Progress progress, out ImageText image)
    {
        image = default;
        var name = reader.ValueTextEquals("images"u8) ? "images"
            : reader.ValueTextEquals("image"u8) ? "image"
            : reader.ValueTextEquals("parameters"u8) ? "parameters"
            : reader.ValueTextEquals("info"u8) ? "info"
            : null;
        if (!reader.Read())
        {
            return StepResult.NeedMore;
        }

        switch (name, reader.TokenType)
        {
            case ("images", JsonTokenType.StartArray):
                progress.InImages = true;
                return StepResult.Progress;
            case ("image", JsonTokenType.String):
                image = Locate(ref reader);
                return StepResult.Image;
            case ("info", JsonTokenType.String):
                progress.Info = ParseInfo(reader.GetString()!);
                return StepResult.Progress;
            case ("images" or "image", not JsonTokenType.Null):
                throw new InvalidDataException($"SD Web UI's {name} is a {reader.TokenType}");
        }

        var valueStart = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            return StepResult.NeedMore;
        }

        if (name is "parameters" or "info")
        {
            var value = JsonNode.Parse(data[valueStart..(int)reader.BytesConsumed]);
            if (name == "parameters")
            {
                progress.Parameters = value;
            }
            else
            {
                progress.Info = value;
            }
        }

        return StepResult.Progress;
    }

    private static ImageText Locate(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return new ImageText((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
        }

        var copy = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        var length = reader.CopyString(copy);
        return new ImageText(0, length, new ArraySegment<byte>(copy, 0, length));
    }

    /// <summary>SD Web UI's info is JSON inside a string; keep the text when it is not JSON.</summary>
    private static JsonNode? ParseInfo(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
