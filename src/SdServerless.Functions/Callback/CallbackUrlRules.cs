namespace SdServerless.Functions.Callback;

/// <summary>The syntax half of the URL rules (CONTRACT §2) for callback URLs; addresses are checked at connect time.</summary>
internal static class CallbackUrlRules
{
    /// <summary>Null when the URL may be called, else why not.</summary>
    public static string? Check(string url, bool allowHttp)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "the callback URL is not an absolute URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp ? "the callback URL must use https or http" : "the callback URL must use https";
        }

        return uri.UserInfo.Length > 0 ? "the callback URL must not contain credentials" : null;
    }
}
