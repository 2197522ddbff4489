namespace SdServerless.Core.Runtimes;

/// <summary>The shape of a --runtimes file or the SDSERVERLESS_RUNTIMES variable: {"runtimes":[...]}.</summary>
public sealed class RuntimeSettings
{
    public IReadOnlyList<RuntimeConfig> Runtimes { get; init; } = [];
}
