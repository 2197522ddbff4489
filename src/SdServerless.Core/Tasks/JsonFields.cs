using System.Text.Json;

namespace SdServerless.Core.Tasks;

/// <summary>Typed reads of request fields that report a wrong type as a field error instead of throwing.</summary>
internal static class JsonFields
{
    /// <summary>The property's value, or Undefined when absent or null (whether null is allowed is checked apart, see <see cref="NullRules"/>).</summary>
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
}
