using System.Text.RegularExpressions;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// The names SD Web UI 1.10 resolves to a checkpoint: exactly its CheckpointInfo.ids, looked up verbatim. For
/// "sub/x.safetensors" hashed as 0123456789: the title "sub/x.safetensors [0123456789]", the name "sub/x.safetensors",
/// "x", the model name "sub_x", the short hash, the sha256 and "sub/x.safetensors [0123456789]", "x [0123456789]".
/// A bare "x.safetensors" is not one of them: SD Web UI drops such an override and uses its default checkpoint.
/// </summary>
public static partial class CheckpointAliases
{
    /// <summary>The aliases of a checkpoint as a server lists it (GET /sdapi/v1/sd-models); hash forms once hashed.</summary>
    public static IEnumerable<string> Of(SdWebUiModel model)
    {
        var name = SdWebUiModelNames.WithoutHash(model.Title);
        var nameForExtra = NameForExtra(name);
        yield return model.Title;
        yield return name;
        yield return nameForExtra;
        yield return model.ModelName;
        if (model.Hash is { Length: > 0 } hash)
        {
            yield return hash;
            yield return $"{name} [{hash}]";
            yield return $"{nameForExtra} [{hash}]";
        }

        if (model.Sha256 is { Length: > 0 } sha256)
        {
            yield return sha256;
        }
    }

    /// <summary>Whether SD Web UI would select <paramref name="model"/> for an sd_model_checkpoint of <paramref name="requested"/>.</summary>
    /// <param name="model">A checkpoint as the server lists it.</param>
    /// <param name="requested">The value a task names, compared verbatim (case and spacing count, as in SD Web UI).</param>
    public static bool Names(SdWebUiModel model, string requested) => Of(model).Contains(requested, StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="requested"/> names the checkpoint configured as <paramref name="configured"/>
    /// ("sub/x.safetensors", or a title with its short hash). Without a configured hash, a "name [hash]" form is
    /// accepted here and its hash is checked against the server at dispatch.
    /// </summary>
    public static bool ConfiguredNames(string configured, string requested)
    {
        var name = SdWebUiModelNames.WithoutHash(configured);
        var nameForExtra = NameForExtra(name);
        if (requested == configured || requested == name || requested == nameForExtra || requested == ModelName(name))
        {
            return true;
        }

        var configuredHash = name.Length < configured.Length ? configured[(name.Length + 2)..^1] : null;
        if (configuredHash is not null && requested == configuredHash)
        {
            return true;
        }

        var hashForm = HashForm().Match(requested);
        return hashForm.Success
            && (hashForm.Groups[1].Value == name || hashForm.Groups[1].Value == nameForExtra)
            && (configuredHash is null || hashForm.Groups[2].Value == configuredHash);
    }

    /// <summary>os.path.splitext(os.path.basename(name))[0]: "sub/x.safetensors" → "x".</summary>
    public static string NameForExtra(string name) => StripExtension(SdWebUiModelNames.BaseName(name));

    /// <summary>SD Web UI's model_name: the relative path with '/' and '\' as '_', without its extension.</summary>
    public static string ModelName(string name) => StripExtension(name.Replace('/', '_').Replace('\\', '_'));

    private static string StripExtension(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot > 0 ? file[..dot] : file;
    }

    [GeneratedRegex(@"^(.+) \[([0-9a-f]{10})\]$")]
    private static partial Regex HashForm();
}
