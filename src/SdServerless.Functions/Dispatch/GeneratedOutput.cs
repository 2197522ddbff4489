using System.Text.Json.Nodes;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>A generation's stored images, in SD Web UI's order, with its parameters and parsed info.</summary>
/// <param name="Images">The stored images, in SD Web UI's order.</param>
/// <param name="Parameters">The parameters SD Web UI reports it used; null when it gave none.</param>
/// <param name="Info">SD Web UI's info string parsed as JSON (seeds, sampler); null when it gave none.</param>
/// <param name="Inference">Time from sending the request to SD Web UI to the last image stored.</param>
/// <param name="Interrupted">Stopped at the client's request: the images are those made before the interrupt.</param>
public sealed record GeneratedOutput(IReadOnlyList<TaskResultImage> Images, JsonNode? Parameters, JsonNode? Info, TimeSpan Inference, bool Interrupted = false);
