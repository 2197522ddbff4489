using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>
/// One request field: its name, type, default as raw JSON, whether null is allowed (SD Web UI's generated
/// processing models make every field Optional; the extras model does not) and whether it is echoed in "parameters".
/// </summary>
internal sealed record FieldSpec(string Name, FieldKind Kind, string DefaultJson, bool Nullable = true, bool Echoed = true)
{
    public JsonElement Default { get; } = JsonDocument.Parse(DefaultJson).RootElement.Clone();
}
