namespace SdServerless.Core.Runtimes;

/// <summary>The shape of a --runtimes file or the SDSERVERLESS_RUNTIMES variable: {"runtimes":[...]}.</summary>
/// <remarks>Settable, not init-only: the JSON source generator drops the defaults of init-only properties absent from the file (dotnet/runtime#84484).</remarks>
public sealed class RuntimeOptions
{
    /// <summary>The runtimes, as written; <see cref="RuntimeCatalog.Parse"/> checks them before any is used.</summary>
    public IReadOnlyList<RuntimeConfig> Runtimes { get; set; } = [];
}
