using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Emulator;

/// <summary>
/// A checkpoint file the emulator pretends to serve, described as SD Web UI 1.10's CheckpointInfo describes it:
/// <see cref="Name"/> is its path under the checkpoint folder ("sub/x.safetensors"); its sha256 is known only once
/// the file has been hashed (when first loaded), and only then do the title and the aliases carry the hash.
/// The hashes derive from the name (there is no file) and are stable across runs.
/// </summary>
public sealed class EmulatorModel
{
    private volatile bool _hashed;

    private EmulatorModel(string name, bool hashed)
    {
        Name = name;
        _hashed = hashed;
        Sha256Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        LegacyHash = Sha256Hash[^8..];
        NameForExtra = StripExtension(name[(name.LastIndexOfAny(['/', '\\']) + 1)..]);
        ModelName = StripExtension(name.Replace('/', '_').Replace('\\', '_'));
        Filename = "/emulator/models/Stable-diffusion/" + name;
        InitialTitle = Title;
    }

    /// <summary>The path under the checkpoint folder: "sub/x.safetensors".</summary>
    public string Name { get; }

    /// <summary>The file name without extension: "x".</summary>
    public string NameForExtra { get; }

    /// <summary>The path with '/' as '_', without extension: "sub_x".</summary>
    public string ModelName { get; }

    /// <summary>The full path on the pretended server, "/emulator/models/Stable-diffusion/sub/x.safetensors", as SD Web UI lists it.</summary>
    public string Filename { get; }

    /// <summary>The old 8-digit model hash, which SD Web UI computes for every file at once.</summary>
    public string LegacyHash { get; }

    /// <summary>Whether the sha256 is known yet: only then do <see cref="Hash"/>, <see cref="Sha256"/> and the title carry it.</summary>
    public bool IsHashed => _hashed;

    /// <summary>The short hash (first 10 of the sha256), or null until hashed.</summary>
    public string? Hash => _hashed ? Sha256Hash[..10] : null;

    /// <summary>The full sha256 in hex, or null until hashed.</summary>
    public string? Sha256 => _hashed ? Sha256Hash : null;

    /// <summary>"sub/x.safetensors [0123456789]" once hashed, "sub/x.safetensors" before.</summary>
    public string Title => _hashed ? $"{Name} [{Sha256Hash[..10]}]" : Name;

    /// <summary>Exactly CheckpointInfo.ids: what an override or /options may name this checkpoint by.</summary>
    public IEnumerable<string> Aliases
    {
        get
        {
            yield return LegacyHash;
            yield return ModelName;
            yield return InitialTitle;
            yield return Name;
            yield return NameForExtra;
            yield return $"{Name} [{LegacyHash}]";
            if (_hashed)
            {
                yield return Sha256Hash[..10];
                yield return Sha256Hash;
                yield return $"{Name} [{Sha256Hash[..10]}]";
                yield return $"{NameForExtra} [{Sha256Hash[..10]}]";
            }
        }
    }

    internal string Sha256Hash { get; }

    private string InitialTitle { get; }

    /// <summary>The checkpoint at <paramref name="name"/>; its hashes derive from the name, so they are the same in every run.</summary>
    /// <param name="name">The path under the checkpoint folder, e.g. "sub/x.safetensors".</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <param name="hashed">Whether the server already knows the file's sha256 (its hash cache has it).</param>
    public static EmulatorModel FromName(string name, bool hashed = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new EmulatorModel(name, hashed);
    }

    /// <summary>Whether SD Web UI would resolve <paramref name="alias"/> to this checkpoint (an exact lookup).</summary>
    public bool Matches(string alias) => Aliases.Contains(alias, StringComparer.Ordinal);

    /// <summary>Loading a checkpoint hashes it (SD Web UI computes the sha256 when it loads the file).</summary>
    internal void MarkHashed() => _hashed = true;

    /// <summary>The <see cref="Title"/>, as SD Web UI shows the checkpoint.</summary>
    public override string ToString() => Title;

    private static string StripExtension(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot > 0 ? file[..dot] : file;
    }
}
