using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// The coercions pydantic v1 applies to SD Web UI's request fields ("20" → 20, 20.5 → 20, 0/1 → bool, 7 → "7"):
/// a value SD Web UI accepts is accepted here, and the canonical value is what gets forwarded. Each method returns
/// why a value is refused, or null; <c>normalized</c> is set only when the value had to change.
/// </summary>
internal static class PydanticCoercion
{
    /// <summary>Integers beyond this lose precision as doubles; SD Web UI has no use for them.</summary>
    private const double MaxExactInteger = 9007199254740992;

    private static readonly HashSet<string> TrueWords = new(["1", "on", "t", "true", "y", "yes"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> FalseWords = new(["0", "off", "f", "false", "n", "no"], StringComparer.OrdinalIgnoreCase);

    /// <summary>int(v): numbers truncate toward zero, numeric strings parse, booleans are 0 and 1.</summary>
    public static string? Integer(JsonElement value, out long result, out JsonNode? normalized)
    {
        normalized = null;
        result = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out result):
                return null;
            case JsonValueKind.Number:
                if (!value.TryGetDouble(out var number) || !double.IsFinite(number) || Math.Abs(number) > MaxExactInteger)
                {
                    return "is out of range";
                }

                result = (long)Math.Truncate(number);

                // 512.0 and 5e2 are integers as written; only a fraction changes the value.
                normalized = Math.Truncate(number) == number ? null : JsonValue.Create(result);
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result)
                    && Math.Abs((double)result) <= MaxExactInteger)
                {
                    normalized = JsonValue.Create(result);
                    return null;
                }

                return "must be an integer";
            case JsonValueKind.True or JsonValueKind.False:
                result = value.ValueKind == JsonValueKind.True ? 1 : 0;
                normalized = JsonValue.Create(result);
                return null;
            default:
                return "must be an integer";
        }
    }

    /// <summary>float(v): numbers, numeric strings and booleans; infinities and NaN cannot be sent on as JSON.</summary>
    public static string? Number(JsonElement value, out double result, out JsonNode? normalized)
    {
        normalized = null;
        result = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out result) && double.IsFinite(result) ? null : "is out of range";
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result))
                {
                    // Python's float() reads these too, but they cannot be sent on as JSON numbers.
                    return text.TrimStart('+', '-').ToLowerInvariant() is "inf" or "infinity" or "nan" ? "is out of range" : "must be a number";
                }

                if (!double.IsFinite(result))
                {
                    return "is out of range";
                }

                normalized = JsonValue.Create(result);
                return null;
            case JsonValueKind.True or JsonValueKind.False:
                result = value.ValueKind == JsonValueKind.True ? 1 : 0;
                normalized = JsonValue.Create(result);
                return null;
            default:
                return "must be a number";
        }
    }

    /// <summary>bool(v) as pydantic reads it: true/false, 0/1, and the words yes/no, on/off, t/f, y/n, 1/0.</summary>
    public static string? Boolean(JsonElement value, out JsonNode? normalized)
    {
        normalized = null;
        bool? result = value.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => null,
            JsonValueKind.Number when value.TryGetDouble(out var n) && n is 0 or 1 => n == 1,
            JsonValueKind.String when TrueWords.Contains(value.GetString()!) => true,
            JsonValueKind.String when FalseWords.Contains(value.GetString()!) => false,
            _ => null,
        };
        if (result is { } flag)
        {
            normalized = JsonValue.Create(flag);
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false";
    }

    /// <summary>str(v): strings as sent, numbers and booleans as Python prints them.</summary>
    public static string? String(JsonElement value, out JsonNode? normalized)
    {
        normalized = value.ValueKind switch
        {
            JsonValueKind.Number => JsonValue.Create(PythonNumber(value)),
            JsonValueKind.True => JsonValue.Create("True"),
            JsonValueKind.False => JsonValue.Create("False"),
            _ => null,
        };
        return value.ValueKind == JsonValueKind.String || normalized is not null ? null : "must be a string";
    }

    /// <summary>An integer as written; a float as Python's str() prints it (7.0, 0.5, 1e+20).</summary>
    private static string PythonNumber(JsonElement value)
    {
        var raw = value.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return raw;
        }

        var number = value.GetDouble();
        return Math.Truncate(number) == number && Math.Abs(number) < 1e16
            ? number.ToString("0.0", CultureInfo.InvariantCulture)
            : number.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
    }
}
