using Microsoft.AspNetCore.WebUtilities;

namespace SdServerless.Emulator;

/// <summary>A fault the emulator injects into one request. Build it with the static factories.</summary>
public sealed class EmulatorFault
{
    private EmulatorFault(EmulatorFaultKind kind)
    {
        Kind = kind;
    }

    /// <summary>What the fault does to the request: answer, hang or drop the connection.</summary>
    public EmulatorFaultKind Kind { get; }

    /// <summary>The status a <see cref="EmulatorFaultKind.Status"/> fault answers with; 0 for the other kinds.</summary>
    public int StatusCode { get; private init; }

    /// <summary>The body of a status answer; empty for the other kinds.</summary>
    public string Body { get; private init; } = "";

    /// <summary>The Content-Type of a status answer (SD Web UI answers errors as JSON).</summary>
    public string ContentType { get; private init; } = "application/json";

    /// <summary>How long a hang lasts, or how long before an abort closes the connection.</summary>
    public TimeSpan Duration { get; private init; }

    /// <summary>Sent as a Retry-After header (whole seconds, rounded up) with a status answer; null: no header.</summary>
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

    /// <summary>Holds the request for <paramref name="duration"/> (or until the client gives up), then handles it normally: a stalled server.</summary>
    /// <param name="duration">How long the request hangs.</param>
    public static EmulatorFault Hang(TimeSpan duration) => new(EmulatorFaultKind.Hang) { Duration = duration };

    /// <summary>Closes the connection without an answer after <paramref name="after"/>, as a server that dies mid-request does.</summary>
    /// <param name="after">How long the request is held before the connection closes; zero: at once.</param>
    public static EmulatorFault Abort(TimeSpan after = default) => new(EmulatorFaultKind.Abort) { Duration = after };

    /// <summary>The fault in a few words ("status 503", "hang 2000 ms"), for logs and test output.</summary>
    public override string ToString() => Kind switch
    {
        EmulatorFaultKind.Status => $"status {StatusCode}",
        EmulatorFaultKind.Hang => $"hang {Duration.TotalMilliseconds} ms",
        _ => $"abort after {Duration.TotalMilliseconds} ms",
    };
}
