namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// One text-to-image task of a benchmark. Its random seed is unique in the run: the emulator's job log names that random seed, which is
/// how a GPU job is matched to its task.
/// </summary>
/// <param name="Runtime">The v1alpha2 runtime the task names.</param>
public sealed record TaskSpec(string Id, long Seed, int Width = 512, int Height = 512, int BatchSize = 1, string? Model = null, string Runtime = "sdruntime")
{
    public const string Prefix = "bench";

    public byte[] ToV1Alpha2Body()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("task");
            json.WriteStartObject("metadata");
            json.WriteString("id", Id);
            json.WriteString("runtime", Runtime);
            json.WriteString("tasktype", "text-to-image");
            json.WriteString("prefix", Prefix);
            json.WriteEndObject();
            json.WriteStartObject("content");
            json.WriteString("prompt", "benchmark " + Id.ToString(CultureInfo.InvariantCulture));
            json.WriteNumber("steps", 20);
            json.WriteNumber("width", Width);
            json.WriteNumber("height", Height);
            json.WriteNumber("batch_size", BatchSize);
            json.WriteNumber("seed", Seed);
            if (Model is not null)
            {
                json.WriteStartObject("override_settings");
                json.WriteString("sd_model_checkpoint", Model);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public string ResultKey => $"{Prefix}/{Id}/result.json";

    public override string ToString() => Encoding.UTF8.GetString(ToV1Alpha2Body());
}
