namespace SdServerless.IntegrationTests.Deployment;

/// <summary>
/// scripts/pool-node.sh running against stand-ins for the AWS CLI, curl (SD Web UI and the EC2 metadata service) and
/// webui.sh (TestData/PoolNode), in a directory of its own. The stand-ins record, in order, every call in one log.
/// </summary>
internal sealed class PoolNodeRun : IAsyncDisposable
{
    public const string Table = "sdserverless-pool";
    public const string Runtime = "sdruntime";
    public const string Url = "http://10.0.3.17:7861";
    public const string InstanceId = "i-0123456789abcdef0";

    private readonly string _directory;
    private readonly CapturedProcess _process;

    private PoolNodeRun(string directory, CapturedProcess process)
    {
        _directory = directory;
        _process = process;
    }

    public string ModelDirectory => Path.Combine(_directory, "checkpoints");

    public string Output => _process.Output;

    /// <summary>Every recorded call so far, one per line; AWS CLI calls have their arguments tab-separated.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            var log = Path.Combine(_directory, "calls.log");
            return File.Exists(log) ? File.ReadAllLines(log) : [];
        }
    }

    /// <param name="syncModels">False: no --model-location, the checkpoint folder fills by other means (a sidecar's case).</param>
    /// <param name="switches">Switches (see <see cref="Set"/>) on before the script starts.</param>
    public static PoolNodeRun Start(bool syncModels = true, string[]? switches = null, params string[] extraArguments)
    {
        var directory = Directory.CreateTempSubdirectory("pool-node-").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
        var state = Directory.CreateDirectory(Path.Combine(directory, "state")).FullName;
        foreach (var name in switches ?? [])
        {
            File.WriteAllText(Path.Combine(state, name), "");
        }

        foreach (var fake in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "PoolNode")))
        {
            var copy = Path.Combine(bin, Path.GetFileName(fake));
            File.Copy(fake, copy);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory };
        start.ArgumentList.Add(Path.Combine(BuildOutput.Root, "scripts", "pool-node.sh"));
        foreach (var argument in (string[])[
            "--table", Table, "--runtime", Runtime, "--url", Url, "--region", "us-east-1", "--instance-id", InstanceId,
            .. syncModels ? (string[])["--model-location", "s3://sdserverless-models/checkpoints/"] : [],
            "--model-dir", Path.Combine(directory, "checkpoints"), "--heartbeat-seconds", "1", .. extraArguments,
            "--", Path.Combine(bin, "webui.sh"), "--api", "--nowebui", "--no-download-sd-model"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_LOG"] = Path.Combine(directory, "calls.log");
        start.Environment["FAKE_DIR"] = Path.Combine(directory, "state");
        return new PoolNodeRun(directory, CapturedProcess.Start(start, "pool-node.sh"));
    }

    /// <summary>Flips a switch the stand-ins read (see TestData/PoolNode).</summary>
    public void Set(string name, string value = "") => File.WriteAllText(Path.Combine(_directory, "state", name), value);

    public async Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> condition, string what)
    {
        // An exited script ends the wait at once: it will not get there any more.
        await Eventually.TrueAsync(() => condition(Calls) || _process.HasExited, TimeSpan.FromSeconds(60), $"pool-node.sh to get to: {what}", Describe);
        if (!condition(Calls))
        {
            throw new Xunit.Sdk.XunitException($"pool-node.sh never got to: {what}, {Describe()}");
        }

        string Describe() => $"(exited: {_process.HasExited}).\nCalls:\n{string.Join('\n', Calls)}\nOutput:\n{Output}";
    }

    /// <summary>SIGTERM to the script alone, as systemd (KillMode=mixed) or a container runtime sends it.</summary>
    public async Task<int> TerminateAsync()
    {
        _process.Terminate();
        return await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
