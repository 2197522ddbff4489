namespace SdServerless.Core.Net;

/// <summary>
/// A URL as logs and error messages may show it: scheme, host, port and path, without the query (a presigned URL's
/// signature and credentials live there), the fragment or user information.
/// </summary>
public static class UrlRedaction
{
    /// <summary>
    /// The URL with its query replaced by "?…" and its user information dropped; text that is no absolute URL is cut at
    /// its first '?' or '#' the same way.
    /// </summary>
    public static string ForDisplay(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var cut = url.IndexOfAny(['?', '#']);
            return cut >= 0 ? url[..cut] + "?…" : url;
        }

        var shown = uri.GetLeftPart(UriPartial.Path).Replace(uri.UserInfo + "@", "", StringComparison.Ordinal);
        return uri.Query.Length > 0 ? shown + "?…" : shown;
    }
}
