using System.Text.Json.Serialization;
using SdServerless.Lambda.Client;
using SdServerless.Lambda.Handlers;

namespace SdServerless.Lambda.Json;

/// <summary>Source-generated JSON for the Runtime API's own payloads.</summary>
[JsonSerializable(typeof(ErrorReport))]
[JsonSerializable(typeof(EmptyResponse))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
