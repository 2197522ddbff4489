using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Core.Runtimes;

/// <summary>The configured runtimes: which names exist and which checkpoints each one serves.</summary>
public sealed class RuntimeCatalog(IReadOnlyList<RuntimeConfig> runtimes)
{
    /// <summary>The runtime a request that names none runs on, and the only one of the built-in configuration.</summary>
    public const string DefaultRuntimeName = "sdruntime";
    /// <summary>The checkpoint the built-in runtime serves: the one the documented examples name.</summary>
    public const string DefaultModel = "v1-5-pruned-emaonly.safetensors";
    /// <summary>The only runtime type there is: a pool of SD Web UI servers.</summary>
    public const string SdWebUiType = "sdwebui";

    /// <summary>The runtimes in configuration order (the order <see cref="FindByModel"/> tries them in).</summary>
    public IReadOnlyList<RuntimeConfig> Runtimes { get; } = runtimes;

    /// <summary>The runtime names, in configuration order (for error messages that list the valid ones).</summary>
    public IReadOnlyList<string> Names { get; } = [.. runtimes.Select(r => r.Name)];

    /// <summary>The runtime called <paramref name="name"/> (names compare case-sensitively), or null.</summary>
    /// <param name="name">A runtime name, as a request gives it.</param>
    public RuntimeConfig? Find(string name)
    {
        foreach (var runtime in Runtimes)
        {
            if (string.Equals(runtime.Name, name, StringComparison.Ordinal))
            {
                return runtime;
            }
        }

        return null;
    }

    /// <summary>The first runtime that serves <paramref name="model"/> (several may).</summary>
    public RuntimeConfig? FindByModel(string model)
    {
        foreach (var runtime in Runtimes)
        {
            if (Serves(runtime, model))
            {
                return runtime;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="model"/> is an alias SD Web UI resolves to one of the runtime's checkpoints.</summary>
    public static bool Serves(RuntimeConfig runtime, string model)
    {
        foreach (var served in runtime.Models)
        {
            if (CheckpointAliases.ConfiguredNames(served, model))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every checkpoint some runtime serves, each once, in configuration order (for error messages).</summary>
    public IReadOnlyList<string> Models() => [.. Runtimes.SelectMany(r => r.Models).Distinct(StringComparer.Ordinal)];

    /// <summary>The built-in configuration: one runtime "sdruntime" serving the documented examples' checkpoint.</summary>
    public static RuntimeCatalog Default(IReadOnlyList<string> endpoints) =>
        new([new RuntimeConfig { Name = DefaultRuntimeName, Endpoints = endpoints, Models = [DefaultModel] }]);

    /// <summary>Gives runtimes configured without endpoints these ones (e.g. the local host's emulator).</summary>
    public RuntimeCatalog WithDefaultEndpoints(IReadOnlyList<string> endpoints) =>
        new([.. Runtimes.Select(r => r.Endpoints.Count > 0 ? r : r.WithEndpoints(endpoints))]);

    /// <summary>Reads a runtimes file: {"runtimes":[{"name","type","endpoints","models","default_prefix","queue_url","bounds":{...}}]}.</summary>
    /// <exception cref="FormatException">The JSON is unreadable or describes an unusable configuration; the message lists every problem.</exception>
    public static RuntimeCatalog Parse(string json)
    {
        RuntimeOptions? settings;
        try
        {
            settings = JsonSerializer.Deserialize(json, CoreJsonContext.Default.RuntimeOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Invalid runtime configuration: {e.Message}", e);
        }

        var runtimes = settings?.Runtimes ?? [];
        var problems = RuntimeConfigValidator.Validate(runtimes);
        if (problems.Count > 0)
        {
            throw new FormatException($"Invalid runtime configuration: {string.Join("; ", problems)}");
        }

        return new RuntimeCatalog(runtimes);
    }
}
