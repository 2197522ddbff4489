using Microsoft.Extensions.Logging;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Logging;

/// <summary>
/// The logger factory of the function: JSON lines at the level Lambda's log configuration asks for, each carrying
/// its level under Lambda's names, so that Lambda's application log-level filter reads it (a line whose level is
/// missing or unknown counts as INFO there).
/// </summary>
public static class LambdaLogging
{
    /// <summary>Loggers writing JSON lines to <paramref name="output"/> at AWS_LAMBDA_LOG_LEVEL (INFO when unset).</summary>
    public static ILoggerFactory CreateFactory(JsonLineWriter output, IEnvironmentVariables environment, TimeProvider timeProvider)
    {
        var level = ParseLevel(environment.Get(LambdaEnvironmentVariableNames.LogLevel));
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddProvider(new JsonLoggerProvider(output, timeProvider)));
    }

    /// <summary>Lambda's name of a level: TRACE, DEBUG, INFO, WARN, ERROR, FATAL.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "INFO",
    };

    /// <summary>The level of one of Lambda's names, in any case; anything else, or none, is INFO as in Lambda.</summary>
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
