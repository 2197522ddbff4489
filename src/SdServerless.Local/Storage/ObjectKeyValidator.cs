using System.Text;

namespace SdServerless.Local.Storage;

/// <summary>
/// Keeps S3 keys inside the store's directory: a key becomes a relative path, so every segment must be a plain
/// file name (no empty, "." or ".." segments, no leading '/', no NUL) that the file system accepts.
/// </summary>
public static class ObjectKeyValidator
{
    /// <summary>S3's own limit on a key.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The usual file-name limit of Linux file systems.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The reason the key is refused, or null when it is a valid key.</summary>
    public static string? Check(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "the key is empty";
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            return $"the key is longer than {MaxKeyBytes} bytes";
        }

        return CheckSegments(key, isPrefix: false);
    }

    /// <summary>
    /// The reason a list prefix is refused, or null when it is valid. Its last segment may be partial
    /// ("output/ta" lists "output/task-1/…"), so only the complete segments before the last '/' are checked.
    /// </summary>
    public static string? CheckPrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }

        return CheckSegments(prefix, isPrefix: true);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the key is not valid.</summary>
    public static void Validate(string? key, string parameterName = "key")
    {
        if (Check(key) is { } reason)
        {
            throw new ArgumentException($"Invalid object key '{key}': {reason}.", parameterName);
        }
    }

    private static string? CheckSegments(string value, bool isPrefix)
    {
        if (value.Contains('\0'))
        {
            return "it contains a NUL character";
        }

        if (value.StartsWith('/'))
        {
            return "it starts with '/'";
        }

        var segments = value.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (isPrefix && i == segments.Length - 1)
            {
                break;
            }

            if (segment.Length == 0)
            {
                return "it has an empty segment";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"a segment is longer than {MaxSegmentBytes} bytes";
            }
        }

        return null;
    }
}
