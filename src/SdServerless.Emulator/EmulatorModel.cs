using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Emulator;

/// <summary>
/// A checkpoint the emulator pretends to serve, described as SD Web UI's /sdapi/v1/sd-models lists it.
/// The hashes are derived from the name (there is no file); they are stable across runs.
/// </summary>
public sealed record EmulatorModel(string Name, string Title, string ModelName, string Hash, string Sha256, string Filename)
{
    public static EmulatorModel FromName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var hash = sha256[..10];
        var modelName = Path.GetFileNameWithoutExtension(name);
        return new EmulatorModel(name, $"{name} [{hash}]", modelName, hash, sha256,
            "/emulator/models/Stable-diffusion/" + name);
    }

    /// <summary>Whether SD Web UI would resolve <paramref name="alias"/> to this checkpoint (its checkpoint_aliases).</summary>
    public bool Matches(string alias) =>
        alias == Name || alias == Title || alias == ModelName || alias == Hash || alias == Sha256;
}
