using System.Text.Json;

namespace SdServerless.Core.Tasks;

/// <summary>Typed reads of request fields that report a wrong type as a field error instead of throwing.</summary>
internal static class JsonFields
{
    /// <summary>Integers beyond this lose precision as doubles; SD Web UI has no use for them.</summary>
    private const double MaxExactInteger = 9007199254740992;

    /// <summary>The property's value, or Undefined when absent or null (SD Web UI treats null as "use the default").</summary>
    public static JsonElement Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : default;

    public static string? String(JsonElement obj, string name, string field, TaskDraft draft, bool required)
    {
        var value = Get(obj, name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined:
                if (required)
                {
                    draft.Error(field, "is required");
                }

                return null;
            case JsonValueKind.String:
                return value.GetString();
            default:
                draft.Error(field, "must be a string");
                return null;
        }
    }

    /// <summary>The object at <paramref name="name"/>, or Undefined (with an error when wrong or required and absent).</summary>
    public static JsonElement Object(JsonElement obj, string name, string field, TaskDraft draft, bool required)
    {
        var value = Get(obj, name);
        if (value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        if (value.ValueKind != JsonValueKind.Undefined)
        {
            draft.Error(field, "must be an object");
        }
        else if (required)
        {
            draft.Error(field, "is required");
        }

        return default;
    }

    /// <returns>null and the value, or why the number is not an acceptable integer. 512.0 and 5e2 count as integers.</returns>
    public static string? Integer(JsonElement value, out long result)
    {
        result = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return "must be an integer";
        }

        if (value.TryGetInt64(out result))
        {
            return null;
        }

        if (!value.TryGetDouble(out var number) || !double.IsFinite(number) || Math.Abs(number) > MaxExactInteger)
        {
            return "is out of range";
        }

        if (Math.Floor(number) != number)
        {
            return "must be an integer";
        }

        result = (long)number;
        return null;
    }

    public static string? Number(JsonElement value, out double result)
    {
        result = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return "must be a number";
        }

        return value.TryGetDouble(out result) && double.IsFinite(result) ? null : "is out of range";
    }
}
