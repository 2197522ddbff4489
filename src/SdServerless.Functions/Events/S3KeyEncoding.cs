using System.Net;

namespace SdServerless.Functions.Events;

/// <summary>
/// S3 event notifications carry object keys form-URL-encoded: '+' is a space and other bytes are %XX of UTF-8.
/// </summary>
public static class S3KeyEncoding
{
    /// <summary>The object key as stored, from the key of an event record.</summary>
    public static string Decode(string eventKey) => WebUtility.UrlDecode(eventKey);

    /// <summary>The key as S3 puts it in an event record ("out put/tâche" → "out+put%2Ft%C3%A2che").</summary>
    public static string Encode(string key) => WebUtility.UrlEncode(key);
}
