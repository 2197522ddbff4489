namespace SdServerless.Core.Tasks;

/// <summary>
/// Rules for the names that become S3 key segments (task ids, prefixes, runtime names), so that no client
/// input can climb out of its folder or into the reserved bookkeeping area.
/// </summary>
public static class KeyRules
{
    /// <summary>Longest task id: ids are key segments, and S3 keys are at most 1024 bytes.</summary>
    public const int MaxIdLength = 128;
    /// <summary>Longest output prefix (save_dir), also bounded by S3's 1024-byte keys.</summary>
    public const int MaxPrefixLength = 256;

    /// <returns>null when <paramref name="id"/> is a valid task id, else why not.</returns>
    public static string? CheckId(string id)
    {
        if (id.Length is 0 or > MaxIdLength || !IsSafeSegment(id))
        {
            return $"must be 1 to {MaxIdLength} characters of A-Z a-z 0-9 . _ -";
        }

        if (id is "." or "..")
        {
            return "must not be '.' or '..'";
        }

        // An id is a folder beside other tasks' files (PREFIX/ID/): it must not be able to stand for one of them.
        return IsOutputFileName(id) ? $"must not be '{TaskKeys.ResultFileName}' or look like an output file (NAME-N.png)" : null;
    }

    /// <summary>result.json, or NAME-N.EXT with an output image extension: the names a task's folder holds.</summary>
    private static bool IsOutputFileName(string id)
    {
        if (id.Equals(TaskKeys.ResultFileName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var dot = id.LastIndexOf('.');
        var dash = dot > 0 ? id.LastIndexOf('-', dot - 1) : -1;
        return dash > 0 && dash < dot - 1
            && id.AsSpan(dash + 1, dot - dash - 1).ContainsAnyExcept("0123456789") == false
            && Images.ImageFormat.All.Any(f => id.AsSpan(dot + 1).Equals(f.Extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Checks a prefix and returns it without a trailing '/'.</summary>
    /// <returns>null when valid (then <paramref name="normalized"/> is set), else why not.</returns>
    public static string? CheckPrefix(string prefix, out string normalized)
    {
        normalized = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (prefix.Length > MaxPrefixLength)
        {
            return $"must be at most {MaxPrefixLength} characters";
        }

        if (prefix.StartsWith('/'))
        {
            return "must not start with '/'";
        }

        if (normalized.Length == 0)
        {
            return "must not be empty";
        }

        var first = true;
        foreach (var range in normalized.AsSpan().Split('/'))
        {
            var segment = normalized.AsSpan(range);
            if (segment.IsEmpty)
            {
                return "must not contain empty segments ('//')";
            }

            if (segment is "." or "..")
            {
                return "must not contain '.' or '..' segments";
            }

            if (!IsSafeSegment(segment))
            {
                return "must be '/'-separated segments of A-Z a-z 0-9 . _ -";
            }

            if (first && segment.SequenceEqual(TaskKeys.ReservedSegment))
            {
                return $"must not start with the reserved segment '{TaskKeys.ReservedSegment}'";
            }

            first = false;
        }

        return null;
    }

    private static bool IsSafeSegment(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
