using SdServerless.Benchmarks.AwsPool;

namespace SdServerless.IntegrationTests.Benchmarks;

/// <summary>
/// The aws-pool scenario end to end on tiny numbers (moto, Lambda environments as processes, GPU server processes):
/// its figures come from what happened. No performance goal is checked here (docs/performance.md).
/// </summary>
[Trait("Category", "Integration")]
public sealed class AwsPoolHarnessTests
{
    // Tasks alternate between two checkpoints and every server boots with the first: at least one switch is needed.
    // The work (8 tasks of 200 ms on the first server) outlasts the second server's 1 s boot, so that some jobs start
    // once both are registered: the utilisation is measured from then on and is undefined without any.
    private static readonly AwsPoolScenario.Settings Tiny = new(
        DelayMs: 200, SwitchMs: 50, ZeroPool: TimeSpan.FromSeconds(3), JoinOffsets: [TimeSpan.Zero, TimeSpan.FromSeconds(1)],
        Run1Tasks: 8, BacklogFactor: 3, TrickleTasks: 3);

    [Fact]
    public async Task ColdPoolRunAccountsForEveryTaskFromResultsAndJobLogs()
    {
        var result = await AwsPoolScenario.ColdPoolAsync(Tiny, CancellationToken.None);

        Assert.True(result.Value("results") == 8, string.Join("\n", result.Notes));
        Assert.Equal(1, result.Value("model_switch_lower_bound"));
        Assert.True(result.Value("model_switches") >= 1, "switches are read from the servers' job logs");
        Assert.InRange(result.Value("gpu_utilisation"), 0.1, 100.5);
        Assert.True(result.Value("dispatch_gap_p50") >= 0);
        Assert.True(result.Value("first_image_after_first_gpu") > 0);

        // Every task was sent, received and deleted at least once, and the dispatchers read the registry.
        Assert.True(result.Value("sqs_calls_per_task") >= 3, result.Parameters["calls"]);
        Assert.True(result.Value("registry_calls_per_task") > 0, result.Parameters["calls"]);
        Assert.True(result.Value("server_registry_calls") >= 2, "each server registered");
        Assert.True(result.Value("dispatcher_invocations_per_task") >= 1);
    }

    [Fact]
    public async Task TwoRuntimeRunMeasuresRuntimeBFromItsOwnServersAndTasks()
    {
        var result = await AwsPoolScenario.TwoRuntimesAsync(Tiny, CancellationToken.None);

        // Runtime A's backlog (3 per GPU, 2 GPUs) and B's trickle all have their result.json.
        Assert.True(result.Value("results") == 9, string.Join("\n", result.Notes));
        Assert.InRange(result.Value("runtime_b_idle_with_backlog"), 0, 1);
        Assert.True(result.Value("runtime_b_queue_wait_p50") > 0);
        Assert.True(result.Value("runtime_b_queue_wait_p95") >= result.Value("runtime_b_queue_wait_p50"));
        Assert.Equal(3, result.Value("runtime_b_tasks_on_b_gpus"));
    }
}
