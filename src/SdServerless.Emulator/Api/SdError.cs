namespace SdServerless.Emulator.Api;

/// <summary>
/// An error answer of SD Web UI's exception handler: {"error": <see cref="Error"/>, "detail", "body": "", "errors"}.
/// An HTTPException carries its message in "detail"; any other exception in "errors" (status 500).
/// </summary>
internal sealed record SdError(int Status, string Error, string Detail, string Errors)
{
    public static SdError HttpException(int status, string detail) => new(status, "HTTPException", detail, "");

    public static SdError Exception(string type, string message) => new(500, type, "", message);
}
