using SdServerless.Emulator;
using SdServerless.Local.Hosting;

if (args.Contains("--emulator-only"))
{
    // The emulator has options of its own (--models, --model-switch-ms); it parses them itself.
    return await SdWebUiEmulator.RunAsync(args);
}

var command = LocalHostOptionsParser.CreateCommand(async (options, _) =>
{
    try
    {
        return await LocalHost.RunAsync(options);
    }
    catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or ArgumentException
        or InvalidOperationException or SdServerless.Core.DependencyUnavailableException)
    {
        await Console.Error.WriteLineAsync($"error: {ex.Message}");
        return 2;
    }
});
return await CommandLineParsing.InvokeAsync(command, args);
