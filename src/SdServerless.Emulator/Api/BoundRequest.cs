using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>
/// A request body after pydantic-style binding: every known field present, with its coerced value or its default.
/// Values are long, double, bool, string, string[], a cloned JsonElement (dicts, lists, Any) or null.
/// </summary>
internal sealed class BoundRequest(IReadOnlyList<FieldSpec> fields, IReadOnlyDictionary<string, object?> values)
{
    public IReadOnlyList<FieldSpec> Fields => fields;

    public object? this[string name] => values.TryGetValue(name, out var value) ? value : null;

    public long Int(string name, long fallback) => this[name] is long value ? value : fallback;

    public double Float(string name, double fallback) => this[name] is double value ? value : fallback;

    public bool Bool(string name, bool fallback) => this[name] is bool value ? value : fallback;

    public string? Str(string name) => this[name] as string;

    public IReadOnlyList<string>? StrList(string name) => this[name] as string[];

    public JsonElement? Element(string name) => this[name] is JsonElement element ? element : null;

    /// <summary>Writes the fields SD Web UI echoes in "parameters", with <paramref name="replace"/> overriding some.</summary>
    public void WriteParameters(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?>? replace = null)
    {
        writer.WriteStartObject();
        foreach (var field in fields)
        {
            if (!field.Echoed)
            {
                continue;
            }

            writer.WritePropertyName(field.Name);
            var value = replace is not null && replace.TryGetValue(field.Name, out var replaced) ? replaced : this[field.Name];
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case string[] texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                throw new InvalidOperationException($"Unexpected bound value of type {value.GetType().Name}.");
        }
    }
}
