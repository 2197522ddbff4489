using System.Globalization;
using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>
/// Binds a JSON body to a field table the way pydantic v1 does for SD Web UI: unknown fields ignored, missing
/// fields defaulted, lenient coercion ("20" → 20, 20.7 → 20, "yes" → true, 7 → "7"), every failing field reported.
/// </summary>
internal static class PydanticBinder
{
    private static readonly HashSet<string> TrueWords = ["1", "on", "t", "true", "y", "yes"];
    private static readonly HashSet<string> FalseWords = ["0", "off", "f", "false", "n", "no"];

    /// <summary>dict([]): an empty list is an empty dict to pydantic.</summary>
    private static readonly JsonElement EmptyDict = JsonElement.Parse("{}");

    public static BoundRequest Bind(JsonElement body, IReadOnlyList<FieldSpec> fields, List<ValidationIssue> issues)
    {
        var values = new Dictionary<string, object?>(fields.Count, StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue([], "value is not a valid dict", "type_error.dict"));
            return new BoundRequest(fields, values);
        }

        foreach (var field in fields)
        {
            if (!body.TryGetProperty(field.Name, out var raw))
            {
                values[field.Name] = Coerce(field.Default, field, issues);
                continue;
            }

            if (raw.ValueKind == JsonValueKind.Null)
            {
                if (!field.Nullable)
                {
                    issues.Add(new ValidationIssue([field.Name], "none is not an allowed value", "type_error.none.not_allowed"));
                }

                values[field.Name] = null;
                continue;
            }

            values[field.Name] = Coerce(raw, field, issues);
        }

        return new BoundRequest(fields, values);
    }

    private static object? Coerce(JsonElement value, FieldSpec field, List<ValidationIssue> issues)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        object? result = field.Kind switch
        {
            FieldKind.Int => ToInt(value),
            FieldKind.Float => ToFloat(value),
            FieldKind.Bool => ToBool(value),
            FieldKind.Str => ToStr(value),
            FieldKind.Dict => value.ValueKind == JsonValueKind.Object ? value.Clone()
                : value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0 ? EmptyDict
                : null,
            FieldKind.List => value.ValueKind == JsonValueKind.Array ? value.Clone() : null,
            FieldKind.StrList => ToStrList(value, field.Name, issues),
            FieldKind.ZeroOrOne => ToZeroOrOne(value),
            _ => value.Clone(),
        };

        if (result is null && field.Kind != FieldKind.StrList)
        {
            issues.Add(Failure(field, value));
        }

        return result;
    }

    private static ValidationIssue Failure(FieldSpec field, JsonElement value) => field.Kind switch
    {
        FieldKind.Int => new([field.Name], "value is not a valid integer", "type_error.integer"),
        FieldKind.Float => new([field.Name], "value is not a valid float", "type_error.float"),
        FieldKind.Bool => new([field.Name], "value could not be parsed to a boolean", "type_error.bool"),
        FieldKind.Str => new([field.Name], "str type expected", "type_error.str"),
        FieldKind.Dict => new([field.Name], "value is not a valid dict", "type_error.dict"),
        FieldKind.ZeroOrOne => new([field.Name], "unexpected value; permitted: 0, 1", "value_error.const",
            new ConstContext(value.Clone(), [0, 1])),
        _ => new([field.Name], "value is not a valid list", "type_error.list"),
    };

    internal static long? ToInt(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out var whole):
                return whole;
            case JsonValueKind.Number:
                // pydantic v1 calls int(v): a float is truncated toward zero.
                var real = value.GetDouble();
                return double.IsFinite(real) && Math.Abs(real) < 9.2e18 ? (long)Math.Truncate(real) : null;
            case JsonValueKind.String:
                return long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : null;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 0;
            default:
                return null;
        }
    }

    /// <summary>Literal[0, 1]: equality as Python sees it, so 1.0 and true match 1 but "1" does not.</summary>
    private static long? ToZeroOrOne(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.GetDouble() is 0 or 1 => (long)value.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => null,
    };

    internal static double? ToFloat(JsonElement value)
    {
        double? result = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            _ => null,
        };

        // Python would keep inf and nan, but they cannot be echoed as JSON numbers.
        return result is { } number && double.IsFinite(number) ? number : null;
    }

    internal static bool? ToBool(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                return number == 1 ? true : number == 0 ? false : null;
            case JsonValueKind.String:
                var word = value.GetString()!.ToLowerInvariant();
                return TrueWords.Contains(word) ? true : FalseWords.Contains(word) ? false : null;
            default:
                return null;
        }
    }

    internal static string? ToStr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => null,
    };

    private static string[]? ToStrList(JsonElement value, string name, List<ValidationIssue> issues)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            issues.Add(new ValidationIssue([name], "value is not a valid list", "type_error.list"));
            return null;
        }

        var items = new string[value.GetArrayLength()];
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.Null ? null : ToStr(item);
            if (text is null && item.ValueKind == JsonValueKind.Null)
            {
                issues.Add(new ValidationIssue([name, index], "none is not an allowed value", "type_error.none.not_allowed"));
            }
            else if (text is null)
            {
                issues.Add(new ValidationIssue([name, index], "str type expected", "type_error.str"));
            }

            items[index++] = text ?? "";
        }

        return items;
    }
}
