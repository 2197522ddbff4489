using Microsoft.AspNetCore.WebUtilities;

namespace SdServerless.Emulator;

/// <summary>A fault the emulator injects into one request. Build it with the static factories.</summary>
public sealed class EmulatorFault
{
    private EmulatorFault(EmulatorFaultKind kind)
    {
        Kind = kind;
    }

    public EmulatorFaultKind Kind { get; }

    public int StatusCode { get; private init; }

    public string Body { get; private init; } = "";

    public string ContentType { get; private init; } = "application/json";

    /// <summary>How long a hang lasts, or how long before an abort closes the connection.</summary>
    public TimeSpan Duration { get; private init; }

    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>A status answer; without a body it carries SD Web UI's error shape with the status' reason phrase.</summary>
    public static EmulatorFault Status(int statusCode, string? body = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        var phrase = ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } known ? known : "Error";
        return new EmulatorFault(EmulatorFaultKind.Status)
        {
            StatusCode = statusCode,
            Body = body ?? $"{{\"error\":\"HTTPException\",\"detail\":\"{phrase}\",\"body\":\"\",\"errors\":\"\"}}",
            RetryAfter = retryAfter,
        };
    }

    /// <summary>503, as a load balancer in front of a busy or starting server answers.</summary>
    public static EmulatorFault ServiceUnavailable(TimeSpan? retryAfter = null) => Status(503, null, retryAfter);

    /// <summary>The 500 SD Web UI answers when the GPU runs out of memory.</summary>
    public static EmulatorFault OutOfMemory() => Status(500,
        "{\"error\":\"OutOfMemoryError\",\"detail\":\"\",\"body\":\"\",\"errors\":\"CUDA out of memory. (emulated)\"}");

    public static EmulatorFault Hang(TimeSpan duration) => new(EmulatorFaultKind.Hang) { Duration = duration };

    public static EmulatorFault Abort(TimeSpan after = default) => new(EmulatorFaultKind.Abort) { Duration = after };

    public override string ToString() => Kind switch
    {
        EmulatorFaultKind.Status => $"status {StatusCode}",
        EmulatorFaultKind.Hang => $"hang {Duration.TotalMilliseconds} ms",
        _ => $"abort after {Duration.TotalMilliseconds} ms",
    };
}
