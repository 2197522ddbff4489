namespace SdServerless.Functions.Dispatch;

/// <summary>An output image of one run: where its bytes are staged, and the key users see once the run commits.</summary>
public sealed record StagedImage(string StagedKey, string Key);
