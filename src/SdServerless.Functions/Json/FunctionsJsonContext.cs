using System.Text.Json;
using System.Text.Json.Serialization;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Json;

/// <summary>Source-generated JSON for the AWS events and the handlers' own payloads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(ApiGatewayHttpApiRequest))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(S3Event))]
[JsonSerializable(typeof(CallbackPayload))]
[JsonSerializable(typeof(CallbackDeadLetter))]
[JsonSerializable(typeof(CallbackReplayReport))]
[JsonSerializable(typeof(CallbackReplayRequest))]
[JsonSerializable(typeof(Dispatch.TaskCommit))]
[JsonSerializable(typeof(Api.AcceptedV1Alpha1Body))]
[JsonSerializable(typeof(Api.AcceptedV1Alpha2Body))]
[JsonSerializable(typeof(Api.TaskStatusBody))]
[JsonSerializable(typeof(Api.TaskListBody))]
[JsonSerializable(typeof(Api.CancelBody))]
[JsonSerializable(typeof(Api.ProblemBody))]
public sealed partial class FunctionsJsonContext : JsonSerializerContext;
