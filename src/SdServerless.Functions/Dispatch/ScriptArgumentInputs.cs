using System.Text.Json.Nodes;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Downloads the URLs inside always-on scripts' arguments (a ControlNet unit's image, say) and puts their base64 in
/// their place: SD Web UI refuses to fetch URLs itself from a private or port-qualified host, and the dispatcher's
/// downloads go through the same address guard as every other input.
/// </summary>
internal static class ScriptArgumentInputs
{
    /// <summary>A scheme ends within this many characters; a "://" further on is not a URL's.</summary>
    private const int MaxSchemeLength = 32;

    /// <returns>alwayson_scripts with every URL replaced, or null when it holds none.</returns>
    public static async Task<JsonObject?> ResolveAsync(JsonObject? scripts, IInputDownloader downloader, CancellationToken cancellationToken)
    {
        if (scripts is null)
        {
            return null;
        }

        var copy = scripts.DeepClone().AsObject();
        var urls = new List<(string Url, string Field, Action<string> Set)>();
        Collect(copy, "alwayson_scripts", urls);
        if (urls.Count == 0)
        {
            return null;
        }

        var downloads = await Task.WhenAll(urls.Select(u => downloader.DownloadAsync(u.Url, u.Field, cancellationToken)));
        for (var i = 0; i < urls.Count; i++)
        {
            urls[i].Set(Convert.ToBase64String(downloads[i].Span));
        }

        return copy;
    }

    /// <summary>Finds the URLs of the copy, each with how to put its download in its place (once the walk is over).</summary>
    private static void Collect(JsonNode? node, string field, List<(string, string, Action<string>)> urls)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Visit(child, $"{field}.{name}", value => obj[name] = value, urls);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    Visit(array[i], $"{field}[{i}]", value => array[index] = value, urls);
                }

                break;
        }
    }

    private static void Visit(JsonNode? child, string field, Action<string> set, List<(string, string, Action<string>)> urls)
    {
        if (child is not JsonValue value)
        {
            Collect(child, field, urls);
        }
        else if (value.TryGetValue<string>(out var text) && IsUrl(text))
        {
            if (!text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                throw DispatchFailure.Permanent(DispatchErrorTypes.InputInvalid, $"{field} is a URL that cannot be read: only http(s) URLs are downloaded");
            }

            urls.Add((text, field, set));
        }
    }

    private static bool IsUrl(string text)
    {
        var colon = text.AsSpan(0, Math.Min(text.Length, MaxSchemeLength)).IndexOf(':');
        return colon > 0 && text.AsSpan(colon).StartsWith("://", StringComparison.Ordinal);
    }
}
