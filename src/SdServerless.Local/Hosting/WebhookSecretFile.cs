using System.Text;
using SdServerless.Core.Webhooks;

namespace SdServerless.Local.Hosting;

/// <summary>
/// The local host's generated webhook secret, kept in the data directory so that a restarted host signs with the
/// same key (receivers configured with it keep verifying, redelivered callbacks included). Owner-only (0600).
/// </summary>
public static class WebhookSecretFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "webhook-secret";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <exception cref="FormatException">The file exists but holds no usable secret (the message does not quote it).</exception>
    public static WebhookSecret LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var created = WebhookSecret.Generate();
            if (TryCreate(path, created))
            {
                return created;
            }
        }

        Restrict(path);
        if (!WebhookSecret.TryParse(File.ReadAllText(path), out var secret, out var error))
        {
            throw new FormatException($"{path}: {error} Delete the file to generate a new secret, or pass --webhook-secret.");
        }

        return secret;
    }

    /// <summary>Writes the whole file under a temporary name, then gives it its name: never a half-written secret.</summary>
    private static bool TryCreate(string path, WebhookSecret secret)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var file = new FileStream(temp, options))
            {
                file.Write(Encoding.ASCII.GetBytes(secret.Reveal() + "\n"));
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use that one.
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>A secret file readable by others (copied in, restored from a backup) is narrowed to its owner.</summary>
    private static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
