using System.Runtime.InteropServices;
using System.Text.Json;

namespace SdServerless.Core.Tasks;

/// <summary>
/// The JSON reader accepts "\ud800" (half of a surrogate pair) and only fails when the string is read, which
/// would happen later (the hash, the queue, the dispatcher). Such bodies are refused up front instead.
/// </summary>
internal static class EscapeCheck
{
    /// <returns>True when some string or name escapes an unpaired UTF-16 surrogate.</returns>
    public static bool HasUnpairedSurrogate(ReadOnlySpan<byte> utf8Body, JsonElement root) =>
        MayEscapeSurrogate(utf8Body) && !AllStringsReadable(root);

    /// <summary>A cheap scan: without "\uD" anywhere, no surrogate is escaped.</summary>
    private static bool MayEscapeSurrogate(ReadOnlySpan<byte> body)
    {
        for (var at = body.IndexOf("\\u"u8); at >= 0 && at + 2 < body.Length; at = NextEscape(body, at))
        {
            if ((body[at + 2] | 0x20) == 'd')
            {
                return true;
            }
        }

        return false;
    }

    private static int NextEscape(ReadOnlySpan<byte> body, int at)
    {
        var next = body[(at + 2)..].IndexOf("\\u"u8);
        return next < 0 ? -1 : at + 2 + next;
    }

    private static bool AllStringsReadable(JsonElement element)
    {
        try
        {
            Read(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\'))
                    {
                        _ = property.Name;
                    }

                    Read(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Read(item);
                }

                break;
            case JsonValueKind.String when JsonMarshal.GetRawUtf8Value(element).Contains((byte)'\\'):
                _ = element.GetString();
                break;
        }
    }
}
