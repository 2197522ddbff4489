namespace SdServerless.Emulator;

/// <summary>
/// One request's time on an emulated GPU, from taking the GPU (after any wait for it) to releasing it, checkpoint load
/// included. Wall-clock times, comparable with the control plane's created_at/completed_at in the same process.
/// </summary>
/// <param name="Seed">The request's first seed as the emulator used it (a random one when the request sent -1).</param>
/// <param name="SwitchedModel">The GPU loaded another checkpoint for this request.</param>
public sealed record EmulatorJobRecord(
    string Job,
    int Gpu,
    long? Seed,
    string? Model,
    bool SwitchedModel,
    int Images,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt)
{
    /// <summary>
    /// When the response's last byte went to the HTTP server, after the GPU was released and the images encoded (as
    /// SD Web UI encodes them after leaving its queue lock); null until then, and when the response was not sent.
    /// </summary>
    public DateTimeOffset? RespondedAt { get; init; }

    /// <summary>/sdapi/v1/interrupt ended the job before all its iterations ran.</summary>
    public bool Interrupted { get; init; }
}
