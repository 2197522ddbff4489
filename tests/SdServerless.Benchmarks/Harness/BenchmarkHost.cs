using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Local.Hosting;

namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// The local host started in this process on a free loopback port and a fresh data directory, logging only
/// warnings (per-task log lines would cost the 2-core machine more than the control plane does).
/// </summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    private static readonly List<string> Finished = [];

    private BenchmarkHost(LocalHost host, string dataDirectory)
    {
        Host = host;
        DataDirectory = dataDirectory;
    }

    public LocalHost Host { get; }

    public string DataDirectory { get; }

    /// <summary>The built-in emulator (null when the host was given external SD Web UI endpoints).</summary>
    public SdWebUiEmulator? Emulator => Host.Pipeline.Emulator?.Emulator;

    /// <param name="services">Replaces or adjusts the host's services (its dispatcher's settings, say) before it is built.</param>
    public static async Task<BenchmarkHost> StartAsync(Action<LocalHostOptions> configure, Action<IServiceCollection>? services = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "sdserverless-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new LocalHostOptions
        {
            Urls = $"http://127.0.0.1:{LoopbackPort.Next()}",
            DataDirectory = data,
            AllowPrivateNetwork = true,
            TaskTimeoutSeconds = 300,
        };
        configure(options);
        var host = await LocalHost.StartAsync(options, builder =>
        {
            Quiet(builder.Logging);
            builder.Services.Configure<EmulatorOptions>(emulator => emulator.RecordJobs = true);
            services?.Invoke(builder.Services);
        });
        return new BenchmarkHost(host, data);
    }

    /// <summary>Where the local store keeps an object of the bucket.</summary>
    public string ObjectPath(string key) => Host.Pipeline.Store.GetObjectPath(key);

    /// <summary>
    /// Deletes the data directories of every host this process started. Called once the figures are taken, not per
    /// run: ext4 without a journal (the development VM's disk) skips inodes freed in the last minutes when it
    /// allocates new ones, so deleting one run's thousands of files made the next run's file creations several times
    /// slower and its output times noisy.
    /// </summary>
    public static void DeleteDataDirectories()
    {
        string[] directories;
        lock (Finished)
        {
            directories = [.. Finished];
            Finished.Clear();
        }

        foreach (var directory in directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; the figures are already taken.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        lock (Finished)
        {
            Finished.Add(DataDirectory);
        }
    }

    private static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console => console.SingleLine = true);
        logging.SetMinimumLevel(LogLevel.Warning);

        // The emulator's "placeholder images" warning is expected here.
        logging.AddFilter("SdServerless.Local", LogLevel.Error);
    }
}
