using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SdServerless.Lambda.Logging;

/// <summary>One JSON line per log event (timestamp, level, message, requestId, taskId, ...), for CloudWatch Logs.</summary>
public sealed class JsonLoggerProvider(JsonLineWriter output, TimeProvider timeProvider) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentDictionary<string, JsonLogger> _loggers = new(StringComparer.Ordinal);
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, name => new JsonLogger(name, output, timeProvider, () => _scopes));

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc/>
    public void Dispose() => _loggers.Clear();
}
