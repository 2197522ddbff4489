using SdServerless.Emulator;
using SdServerless.Local.Hosting;

if (args.Contains("--emulator-only"))
{
    // The emulator has options of its own (--models, --model-switch-ms); it parses them itself.
    return await SdWebUiEmulator.RunAsync(args);
}

var options = LocalHostOptionsParser.Parse(args, out var errors);
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    Console.Error.WriteLine();
    Console.Error.WriteLine(LocalHostOptionsParser.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(LocalHostOptionsParser.Usage);
    return 0;
}

try
{
    return await LocalHost.RunAsync(options);
}
catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or ArgumentException
    or InvalidOperationException or SdServerless.Core.DependencyUnavailableException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
