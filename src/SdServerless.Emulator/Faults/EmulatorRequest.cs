namespace SdServerless.Emulator;

/// <summary>
/// What a fault hook sees of a request: its method, path, its number among the requests the emulator got, and the
/// Accept-Encoding it sent (empty when none).
/// </summary>
public sealed record EmulatorRequest(string Method, string Path, long Sequence, string AcceptEncoding = "")
{
    /// <summary>txt2img, img2img or extra-single-image: the requests that occupy a GPU.</summary>
    public bool IsGeneration =>
        Method == "POST" && (Path.EndsWith("/txt2img", StringComparison.Ordinal)
            || Path.EndsWith("/img2img", StringComparison.Ordinal)
            || Path.EndsWith("/extra-single-image", StringComparison.Ordinal));
}
