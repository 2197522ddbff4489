namespace SdServerless.Emulator;

/// <summary>
/// One request's time on an emulated GPU, from taking the GPU (after any wait for it) to releasing it, checkpoint load
/// included. Wall-clock times, comparable with the control plane's created_at/completed_at in the same process.
/// </summary>
/// <param name="Job">The job's name, as /sdapi/v1/progress reports it while the job runs.</param>
/// <param name="Gpu">The index of the emulated GPU that ran it (<see cref="EmulatedGpu.Index"/>).</param>
/// <param name="Seed">The request's first seed as the emulator used it (a random one when the request sent -1).</param>
/// <param name="Model">The checkpoint the GPU had loaded for it (its path); null for extras, which need none.</param>
/// <param name="SwitchedModel">The GPU loaded another checkpoint for this request.</param>
/// <param name="Images">The images it made: those of the iterations that completed before any interrupt.</param>
/// <param name="StartedAt">When it took the GPU.</param>
/// <param name="FinishedAt">When it released the GPU.</param>
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
