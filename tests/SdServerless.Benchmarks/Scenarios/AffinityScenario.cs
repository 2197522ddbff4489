using Microsoft.Extensions.DependencyInjection;
using SdServerless.Functions.Dispatch;

namespace SdServerless.Benchmarks.Scenarios;

/// <summary>
/// Two checkpoints, a shuffled mix of tasks, and N SD Web UI servers of one GPU each (as deployed: one SD Web UI process
/// per GPU, each an endpoint of capacity 1), so that the dispatcher's pool registry is what routes by model.
/// Counts the servers' checkpoint switches with model affinity on and off.
/// </summary>
public static class AffinityScenario
{
    public static readonly string[] Models = ["model-a.safetensors", "model-b.safetensors"];

    public sealed record Settings(int Gpus, int Tasks, int DelayMs, int ModelSwitchMs, int ShuffleSeed = 6);

    public static async Task<ScenarioResult> RunAsync(bool affinity, Settings settings, CancellationToken cancellationToken)
    {
        var servers = new List<EmulatorHost>();
        try
        {
            for (var i = 0; i < settings.Gpus; i++)
            {
                servers.Add(await EmulatorHost.StartAsync(new EmulatorOptions
                {
                    Workers = 1,
                    Models = Models,
                    DelayPerImage = TimeSpan.FromMilliseconds(settings.DelayMs),
                    ModelSwitchDelay = TimeSpan.FromMilliseconds(settings.ModelSwitchMs),
                    PreferLoadedModel = affinity,
                    RecordJobs = true,
                }, cancellationToken: cancellationToken));
            }

            var runtimes = Path.GetTempFileName();
            await File.WriteAllTextAsync(runtimes, RuntimesJson(servers), cancellationToken);
            try
            {
                return await MeasureAsync(affinity, settings, servers, runtimes, cancellationToken);
            }
            finally
            {
                File.Delete(runtimes);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<ScenarioResult> MeasureAsync(
        bool affinity, Settings settings, List<EmulatorHost> servers, string runtimesFile, CancellationToken cancellationToken)
    {
        await using var host = await BenchmarkHost.StartAsync(
            options => options.RuntimesFile = runtimesFile,
            services => services.Configure<DispatcherOptions>(dispatcher => dispatcher.ModelAffinity = affinity));
        using var client = new TaskClient(host);

        // Half of each model, in an order fixed by the shuffle seed so both runs see the same mix.
        var random = new Random(settings.ShuffleSeed);
        var models = Enumerable.Range(0, settings.Tasks).Select(i => Models[i % Models.Length]).ToArray();
        random.Shuffle(models);
        var tasks = models.Select((model, i) => new TaskSpec($"task-{i:D5}", 1 + i, Model: model)).ToList();

        var started = DateTimeOffset.UtcNow;
        await client.SubmitAllAsync(tasks, cancellationToken);
        var timeout = TimeSpan.FromMilliseconds((settings.DelayMs + settings.ModelSwitchMs) * (double)settings.Tasks / settings.Gpus * 2) + TimeSpan.FromSeconds(60);
        var outcomes = await client.WaitForAllAsync(tasks, timeout, cancellationToken);
        var wall = outcomes.Max(o => o.CompletedAt) - started;

        var result = new ScenarioResult("affinity", affinity ? "affinity on" : "affinity off");
        result.Parameters["gpus"] = settings.Gpus.ToString(CultureInfo.InvariantCulture);
        result.Parameters["tasks"] = settings.Tasks.ToString(CultureInfo.InvariantCulture);
        result.Parameters["models"] = string.Join(", ", Models);
        result.Parameters["ms_per_image"] = settings.DelayMs.ToString(CultureInfo.InvariantCulture);
        result.Parameters["model_switch_ms"] = settings.ModelSwitchMs.ToString(CultureInfo.InvariantCulture);
        result.Add("succeeded", outcomes.Count(o => o.Status == "succeeded"), "tasks");
        result.Add("model_switches", servers.Sum(s => s.Emulator.ModelSwitches), "switches");
        result.Add("wall", wall.TotalSeconds, "s");
        result.Add("throughput", settings.Tasks / wall.TotalSeconds, "tasks/s");
        return result;
    }

    private static string RuntimesJson(List<EmulatorHost> servers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("runtimes");
            json.WriteStartObject();
            json.WriteString("name", "sdruntime");

            // Every key written out: the runtimes file reader leaves omitted init-only properties at 0/empty, not their defaults.
            json.WriteString("type", "sdwebui");
            json.WriteString("default_prefix", "output");
            json.WriteStartObject("bounds");
            json.WriteNumber("min_size", 64);
            json.WriteNumber("max_size", 2048);
            json.WriteNumber("size_multiple", 8);
            json.WriteNumber("min_steps", 1);
            json.WriteNumber("max_steps", 150);
            json.WriteNumber("max_images", 16);
            json.WriteNumber("min_cfg_scale", 0);
            json.WriteNumber("max_cfg_scale", 30);
            json.WriteNumber("min_denoising_strength", 0);
            json.WriteNumber("max_denoising_strength", 1);
            json.WriteEndObject();
            json.WriteStartArray("endpoints");
            foreach (var server in servers)
            {
                json.WriteStringValue(server.BaseUrl.ToString().TrimEnd('/'));
            }

            json.WriteEndArray();
            json.WriteStartArray("models");
            foreach (var model in Models)
            {
                json.WriteStringValue(model);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
