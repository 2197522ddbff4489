using System.Text.Json.Nodes;

namespace SdServerless.Core.SdWebUi;

/// <summary>What is left of an SD Web UI answer once its images went to storage.</summary>
/// <param name="ImageCount">Images handed to the sink, in SD Web UI's order.</param>
/// <param name="Parameters">The "parameters" echo (txt2img, img2img).</param>
/// <param name="Info">"info" parsed from its JSON string (a plain string when it is not JSON).</param>
public sealed record SdWebUiResponse(int ImageCount, JsonNode? Parameters, JsonNode? Info);
