using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SdServerless.Lambda.Logging;

/// <summary>
/// Writes a message-template log event as one JSON object. The template's values become properties
/// (so {TaskId} becomes "taskId"), and so do the values of enclosing scopes such as the invocation's {RequestId}.
/// </summary>
internal sealed class JsonLogger(
    string category,
    JsonLineWriter output,
    TimeProvider timeProvider,
    Func<IExternalScopeProvider> scopes) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => scopes().Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var properties = new List<KeyValuePair<string, object?>>();
        scopes().ForEachScope(static (scope, list) => AddProperties(scope, list), properties);
        AddProperties(state, properties);
        var message = formatter(state, exception);
        var timestamp = timeProvider.GetUtcNow();

        output.WriteLine(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", timestamp.UtcDateTime);
            writer.WriteString("level", LambdaLogging.LevelName(logLevel));
            writer.WriteString("message", message);
            writer.WriteString("category", category);
            var written = new HashSet<string>(["timestamp", "level", "message", "category", "exception"], StringComparer.Ordinal);
            // Later values win: the event's own properties override those of its scopes.
            for (var i = properties.Count - 1; i >= 0; i--)
            {
                var name = PropertyName(properties[i].Key);
                if (written.Add(name))
                {
                    JsonLogValue.Write(writer, name, properties[i].Value);
                }
            }

            if (exception is not null)
            {
                writer.WriteString("exception", exception.ToString());
            }

            writer.WriteEndObject();
        });
    }

    private static void AddProperties(object? state, List<KeyValuePair<string, object?>> properties)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var pair in values)
            {
                if (pair.Key != OriginalFormat)
                {
                    properties.Add(pair);
                }
            }
        }
    }

    /// <summary>TaskId → taskId, RequestId → requestId: the log keys CloudWatch queries use.</summary>
    private static string PropertyName(string key) =>
        key.Length > 0 && char.IsUpper(key[0]) ? string.Concat(char.ToLowerInvariant(key[0]).ToString(), key.AsSpan(1)) : key;
}
