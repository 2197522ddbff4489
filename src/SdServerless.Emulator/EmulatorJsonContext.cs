using System.Text.Json.Serialization;

namespace SdServerless.Emulator;

/// <summary>The emulator's source-generated JSON metadata (responses are written with Utf8JsonWriter).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
