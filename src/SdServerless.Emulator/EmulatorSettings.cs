using System.Text.Json;

namespace SdServerless.Emulator;

/// <summary>
/// The emulator's /sdapi/v1/options: a few settings clients read, plus whatever they POST.
/// <c>sd_model_checkpoint</c> is the default checkpoint requests without an override use; it is not what is loaded
/// (after a request's override the loaded checkpoint stays, while this shows the default again).
/// </summary>
internal sealed class EmulatorSettings
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private EmulatorModel _checkpoint;

    public EmulatorSettings(EmulatorModel initial)
    {
        _checkpoint = initial;
        foreach (var (key, json) in Defaults)
        {
            _values[key] = JsonDocument.Parse(json).RootElement.Clone();
        }
    }

    private static IEnumerable<(string Key, string Json)> Defaults =>
    [
        ("samples_save", "true"),
        ("samples_format", "\"png\""),
        ("save_images_add_number", "true"),
        ("grid_save", "true"),
        ("return_grid", "true"),
        ("n_rows", "-1"),
        ("sd_checkpoints_limit", "1"),
        ("sd_vae", "\"Automatic\""),
        ("CLIP_stop_at_last_layers", "1"),
        ("eta_noise_seed_delta", "0"),
        ("api_enable_requests", "true"),
        ("api_forbid_local_requests", "true"),
    ];

    public EmulatorModel Checkpoint
    {
        get
        {
            lock (_gate)
            {
                return _checkpoint;
            }
        }

        set
        {
            lock (_gate)
            {
                _checkpoint = value;
            }
        }
    }

    /// <summary>The current value of a setting, or null when it is unset (or unknown).</summary>
    public JsonElement? Get(string key)
    {
        lock (_gate)
        {
            return key == "sd_model_checkpoint" ? JsonElement.Parse(System.Text.Json.JsonSerializer.Serialize(_checkpoint.Title, EmulatorJsonContext.Default.String))
                : _values.TryGetValue(key, out var value) ? value : null;
        }
    }

    public void Set(string key, JsonElement value)
    {
        lock (_gate)
        {
            _values[key] = value.Clone();
        }
    }

    public void WriteTo(Utf8JsonWriter writer, EmulatorModel loaded)
    {
        lock (_gate)
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _values)
            {
                writer.WritePropertyName(key);
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer))
                {
                    // As SD Web UI's options model answers: integer settings come out as floats (1 → 1.0).
                    writer.WriteRawValue(integer.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".0");
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteString("sd_model_checkpoint", _checkpoint.Title);
            // As in SD Web UI, the hash names the checkpoint actually loaded, which per-request overrides change.
            writer.WriteString("sd_checkpoint_hash", loaded.Sha256);
            writer.WriteEndObject();
        }
    }
}
