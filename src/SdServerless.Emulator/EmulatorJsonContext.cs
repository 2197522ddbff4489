using System.Text.Json.Serialization;
using SdServerless.Emulator.Api;

namespace SdServerless.Emulator;

/// <summary>
/// The emulator's source-generated JSON: the info string, the state endpoints' and the error bodies. The answers that
/// stream base64 images or echo a request's own values (images, parameters, options) are written with Utf8JsonWriter.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(GenerationInfo))]
[JsonSerializable(typeof(SdErrorBody))]
[JsonSerializable(typeof(ValidationErrorBody))]
[JsonSerializable(typeof(NotFoundBody))]
[JsonSerializable(typeof(List<SdModelBody>))]
[JsonSerializable(typeof(ProgressBody))]
[JsonSerializable(typeof(EmptyBody))]
[JsonSerializable(typeof(GpusBody))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
