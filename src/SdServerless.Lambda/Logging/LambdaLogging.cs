using Microsoft.Extensions.Logging;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Logging;

/// <summary>The logger factory of the function: JSON lines at the level Lambda's log configuration asks for.</summary>
public static class LambdaLogging
{
    public static ILoggerFactory CreateFactory(JsonLineWriter output, IEnvironmentVariables environment, TimeProvider timeProvider)
    {
        var level = ParseLevel(environment.Get(LambdaEnvironmentVariableNames.LogLevel));
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddProvider(new JsonLoggerProvider(output, timeProvider)));
    }

    public static LogLevel ParseLevel(string? lambdaLogLevel) => lambdaLogLevel?.ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
