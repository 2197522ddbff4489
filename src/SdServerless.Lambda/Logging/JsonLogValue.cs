using System.Globalization;
using System.Text.Json;

namespace SdServerless.Lambda.Logging;

/// <summary>Writes a structured log value as the closest JSON value: numbers and booleans stay typed.</summary>
internal static class JsonLogValue
{
    public static void Write(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort:
                writer.WriteNumber(name, Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumber(name, number);
                break;
            case float number when float.IsFinite(number):
                writer.WriteNumber(name, number);
                break;
            case decimal number:
                writer.WriteNumber(name, number);
                break;
            case DateTimeOffset time:
                writer.WriteString(name, time);
                break;
            case DateTime time:
                writer.WriteString(name, time);
                break;
            case IFormattable formattable:
                writer.WriteString(name, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(name, value.ToString());
                break;
        }
    }
}
