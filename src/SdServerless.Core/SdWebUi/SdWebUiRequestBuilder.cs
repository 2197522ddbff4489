using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.Tasks;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// Writes the SD Web UI request body of a task: the client's content as sent, with the resolved inputs in
/// init_images / mask / image and in script arguments, the requested model in override_settings under the title the
/// server lists (SD Web UI loads a checkpoint only from there), and the routing keys kept out of alwayson_scripts.
/// Written straight to UTF-8 so that downloaded images are base64-encoded once, into the body.
/// </summary>
public static class SdWebUiRequestBuilder
{
    private const string InitImages = "init_images";
    private const string Mask = "mask";
    private const string Image = "image";
    private const string OverrideSettings = "override_settings";
    private const string AlwaysOnScripts = "alwayson_scripts";
    private const string ModelSetting = "sd_model_checkpoint";

    /// <summary>The whole body, for a caller that sends it as one buffer (retries send it again unchanged).</summary>
    /// <param name="task">The task whose content is sent.</param>
    /// <param name="inputs">The resolved input images that replace the client's fields (<see cref="SdWebUiInputs.None"/>: none).</param>
    /// <param name="checkpoint">The server's title of the task's checkpoint; null: the name the task gave.</param>
    public static ReadOnlyMemory<byte> Build(SdTask task, SdWebUiInputs inputs, string? checkpoint = null)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, task, inputs, checkpoint);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Writes the body to <paramref name="writer"/>, for a caller that streams it.</summary>
    /// <param name="writer">Where the JSON object is written.</param>
    /// <param name="task">The task whose content is sent.</param>
    /// <param name="inputs">The resolved input images that replace the client's fields.</param>
    /// <param name="checkpoint">The server's title of the task's checkpoint; null: the name the task gave.</param>
    public static void Write(Utf8JsonWriter writer, SdTask task, SdWebUiInputs inputs, string? checkpoint = null)
    {
        var model = checkpoint ?? task.Model;
        writer.WriteStartObject();
        foreach (var (name, value) in task.Content)
        {
            switch (name)
            {
                case InitImages when inputs.InitImages is not null:
                    WriteInputs(writer, inputs.InitImages);
                    break;
                case Mask when inputs.Mask is not null:
                    writer.WritePropertyName(Mask);
                    inputs.Mask.WriteTo(writer);
                    break;
                case Image when inputs.Image is not null:
                    writer.WritePropertyName(Image);
                    inputs.Image.WriteTo(writer);
                    break;
                case OverrideSettings when model is not null:
                    WriteOverrideSettings(writer, value as JsonObject, model);
                    break;
                case AlwaysOnScripts when (inputs.AlwaysOnScripts ?? value) is JsonObject scripts:
                    WriteScripts(writer, scripts, task.ApiVersion);
                    break;
                default:
                    writer.WritePropertyName(name);
                    WriteValue(writer, value);
                    break;
            }
        }

        if (inputs.InitImages is not null && !task.Content.ContainsKey(InitImages))
        {
            WriteInputs(writer, inputs.InitImages);
        }

        if (inputs.Mask is not null && !task.Content.ContainsKey(Mask))
        {
            writer.WritePropertyName(Mask);
            inputs.Mask.WriteTo(writer);
        }

        if (inputs.Image is not null && !task.Content.ContainsKey(Image))
        {
            writer.WritePropertyName(Image);
            inputs.Image.WriteTo(writer);
        }

        if (model is not null && !task.Content.ContainsKey(OverrideSettings))
        {
            WriteOverrideSettings(writer, null, model);
        }

        writer.WriteEndObject();
    }

    private static void WriteInputs(Utf8JsonWriter writer, IReadOnlyList<SdWebUiInput> inputs)
    {
        writer.WriteStartArray(InitImages);
        foreach (var input in inputs)
        {
            input.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    private static void WriteOverrideSettings(Utf8JsonWriter writer, JsonObject? settings, string model)
    {
        writer.WriteStartObject(OverrideSettings);
        foreach (var (name, value) in settings ?? [])
        {
            if (name != ModelSetting)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
        }

        writer.WriteString(ModelSetting, model);
        writer.WriteEndObject();
    }

    /// <summary>The parser already removed the routing keys; filtering again keeps them off the GPU server whatever the source.</summary>
    private static void WriteScripts(Utf8JsonWriter writer, JsonObject scripts, string apiVersion)
    {
        if (scripts.All(p => RoutingKeys.IsRoutingKey(p.Key, apiVersion)))
        {
            return;
        }

        writer.WriteStartObject(AlwaysOnScripts);
        foreach (var (name, value) in scripts)
        {
            if (!RoutingKeys.IsRoutingKey(name, apiVersion))
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
