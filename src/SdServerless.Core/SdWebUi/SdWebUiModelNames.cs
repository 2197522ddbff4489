namespace SdServerless.Core.SdWebUi;

/// <summary>Helpers over the several spellings of one checkpoint (title with hash, file name, model name).</summary>
public static class SdWebUiModelNames
{
    /// <summary>"name.safetensors [6ce0161689]" → "name.safetensors".</summary>
    public static string WithoutHash(string title)
    {
        var bracket = title.LastIndexOf(" [", StringComparison.Ordinal);
        return bracket > 0 && title.EndsWith(']') ? title[..bracket] : title;
    }

    /// <summary>The last path segment, for '/' and '\' separated paths.</summary>
    public static string BaseName(string path)
    {
        var slash = path.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>
    /// One key for every spelling of a checkpoint ("sub/name.safetensors [hash]", "name.safetensors", "name"):
    /// used to compare the model a server has loaded with the one a task asks for.
    /// </summary>
    public static string AffinityKey(string name)
    {
        var file = BaseName(WithoutHash(name.Trim()));
        foreach (var extension in (string[])[".safetensors", ".ckpt", ".pt", ".pth", ".bin"])
        {
            if (file.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                file = file[..^extension.Length];
                break;
            }
        }

        return file.ToLowerInvariant();
    }

    /// <summary>Whether two spellings name the same checkpoint by <see cref="AffinityKey"/>; false when either is null (unknown).</summary>
    /// <param name="a">A checkpoint name, title or path.</param>
    /// <param name="b">Another one.</param>
    public static bool SameModel(string? a, string? b) =>
        a is not null && b is not null && AffinityKey(a) == AffinityKey(b);
}
