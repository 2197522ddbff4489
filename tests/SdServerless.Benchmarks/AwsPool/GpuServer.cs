using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SdServerless.Aws.Pool;
using SdServerless.Core.Pool;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Pool;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The child process of one emulated GPU server (this program's <c>pool-gpu</c> mode): the SD Web UI emulator with one
/// GPU, a per-image and a model-switch delay, which after its boot delay (started by the benchmark through
/// <see cref="JoinPath"/>) joins the pool registry through <see cref="PoolMembership"/>, as a GPU server does.
/// It also serves its job log to the benchmark (<see cref="JobsPath"/>).
/// </summary>
public static class GpuServer
{
    public const string Mode = "pool-gpu";
    public const string JobsPath = "/bench/v1/jobs";

    /// <summary>POST ?afterMs=N: the server finishes booting N ms from now, and then joins the pool.</summary>
    public const string JoinPath = "/bench/v1/join";

    public static async Task<int> RunAsync(GpuServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulatorOptions = new EmulatorOptions
        {
            Workers = 1,
            Models = [.. options.Models],
            DelayPerImage = TimeSpan.FromMilliseconds(options.DelayMs),
            ModelSwitchDelay = TimeSpan.FromMilliseconds(options.SwitchMs),
            RecordJobs = true,
        };
        await using var app = SdWebUiEmulator.Build(emulatorOptions, options.Url);
        var emulator = app.Services.GetRequiredService<SdWebUiEmulator>();
        DateTimeOffset? registeredAt = null;
        var join = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapPost(JoinPath, (int afterMs) =>
        {
            join.TrySetResult(TimeSpan.FromMilliseconds(afterMs));
            return Results.Accepted();
        });
        app.MapGet(JobsPath, () => Results.Json(new GpuServerLog(registeredAt, [.. emulator.JobLog]), BenchmarkJsonContext.Default.GpuServerLog));
        await app.StartAsync();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        // Booting: SD Web UI answers, but the server is not in the pool until its boot script registers it.
        var boot = await join.Task.WaitAsync(stopping);
        await Task.Delay(boot, stopping);
        using var dynamo = new AmazonDynamoDBClient(
            PoolStack.Credentials, new AmazonDynamoDBConfig { ServiceURL = options.DynamoDbUrl, AuthenticationRegion = PoolStack.Region });
        var registry = new DynamoDbPoolRegistry(dynamo, options.Table, [], new PoolRules());
        using var sdWebUi = new SdWebUiClient(new DispatcherOptions());
        var membership = new PoolMembership(
            registry,
            sdWebUi,
            new PoolMembershipOptions { Runtime = options.Runtime, Url = options.Url },
            app.Services.GetRequiredService<ILogger<PoolMembership>>());
        var running = membership.RunAsync(stopping);
        await membership.Joined;
        registeredAt = DateTimeOffset.UtcNow;
        await running;
        return 0;
    }
}
