using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Callback;

/// <summary>Reads a task's result.json for the callback and its replay.</summary>
internal static class TaskResultFile
{
    /// <returns>The result; or no result and no error when the object is gone; or the reason it cannot be read.</returns>
    public static async Task<(TaskResult? Result, string? Error)> ReadAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(key, cancellationToken);
        if (stored is null)
        {
            return (null, null);
        }

        try
        {
            var result = JsonSerializer.Deserialize(stored.Content.Span, CoreJsonContext.Default.TaskResult);
            return result is null ? (null, "the file is JSON null") : (result, null);
        }
        catch (JsonException exception)
        {
            return (null, exception.Message);
        }
    }
}
