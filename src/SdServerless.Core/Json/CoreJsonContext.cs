using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SdServerless.Core.Queueing;
using SdServerless.Core.Runtimes;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Core.Json;

/// <summary>
/// Source-generated JSON for every Core type (Native AOT: no reflection-based serialization). The depth limit is
/// above the request parser's (64) plus the levels a task gains inside request.json and a queue message, so every
/// body the parser accepts can be stored and read back.
/// </summary>
[JsonSourceGenerationOptions(
    MaxDepth = 80,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(SdTask))]
[JsonSerializable(typeof(TaskRecord))]
[JsonSerializable(typeof(TaskState))]
[JsonSerializable(typeof(TaskResult))]
[JsonSerializable(typeof(CancelRequest))]
[JsonSerializable(typeof(Tasks.TaskStatus))]
[JsonSerializable(typeof(TaskMessage))]
[JsonSerializable(typeof(RuntimeOptions))]
[JsonSerializable(typeof(List<SdWebUiModel>))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
