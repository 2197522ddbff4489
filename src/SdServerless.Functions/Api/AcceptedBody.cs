using System.Text.Json.Serialization;

namespace SdServerless.Functions.Api;

/// <summary>
/// The answer to an accepted POST /v1alpha1 (and to the same request sent again): the shape the original
/// implementation's clients read, naming the checkpoint where /v1alpha2 names the runtime.
/// </summary>
/// <param name="IdTask">The task's id, which every later call names.</param>
/// <param name="SdModelCheckpoint">The checkpoint the task asked for; null when it named none.</param>
/// <param name="OutputLocation">The s3:// prefix the images will be written under.</param>
/// <param name="StatusUrl">Where to poll the task; only when the deployment knows its public address.</param>
public sealed record AcceptedV1Alpha1Body(
    string IdTask,
    string? SdModelCheckpoint,
    string OutputLocation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusUrl);

/// <summary>The answer to an accepted POST /v1alpha2 (and to the same request sent again).</summary>
/// <param name="IdTask">The task's id, which every later call names.</param>
/// <param name="Runtime">The runtime that will run the task.</param>
/// <param name="OutputLocation">The s3:// prefix the images will be written under.</param>
/// <param name="Id">The task id again: clients of the original implementation read "id".</param>
/// <param name="StatusUrl">Where to poll the task; only when the deployment knows its public address.</param>
public sealed record AcceptedV1Alpha2Body(
    string IdTask,
    string Runtime,
    string OutputLocation,
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusUrl);
