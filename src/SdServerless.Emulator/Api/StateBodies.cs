namespace SdServerless.Emulator.Api;

/// <summary>One checkpoint of /sdapi/v1/sd-models; the hashes are null until the file has been hashed (when first loaded).</summary>
internal sealed record SdModelBody(string Title, string ModelName, string? Hash, string? Sha256, string Filename)
{
    public string? Config => null;
}

/// <summary>/sdapi/v1/progress: the running job's share done and the seconds it still expects, 0 when idle.</summary>
internal sealed record ProgressBody(double Progress, double EtaRelative, ProgressState State)
{
    public string? CurrentImage => null;

    public string? Textinfo => null;
}

/// <summary>SD Web UI's shared state as /sdapi/v1/progress shows it, in its member order.</summary>
internal sealed record ProgressState
{
    public bool Skipped => false;

    public required bool Interrupted { get; init; }

    public bool StoppingGeneration => false;

    public required string Job { get; init; }

    /// <summary>The running job and every request waiting for a GPU.</summary>
    public required int JobCount { get; init; }

    /// <summary>The running job's yyyyMMddHHmmss, "0" when idle.</summary>
    public required string JobTimestamp { get; init; }

    public int JobNo => 0;

    public required int SamplingStep { get; init; }

    public required int SamplingSteps { get; init; }
}

/// <summary>The empty object /sdapi/v1/interrupt answers.</summary>
internal sealed record EmptyBody;

/// <summary>/emulator/v1/gpus (not SD Web UI's): the queue and each emulated GPU's loaded checkpoint and counters.</summary>
internal sealed record GpusBody(int QueueLength, int PeakBusyGpus, IReadOnlyList<GpuBody> Gpus);

/// <summary>One emulated GPU of /emulator/v1/gpus.</summary>
internal sealed record GpuBody(int Index, string LoadedModel, bool Busy, long Requests, long ModelSwitches, double BusyMs, int PeakConcurrency);
