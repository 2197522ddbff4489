using System.Runtime.InteropServices;

namespace SdServerless.Local.IO;

/// <summary>
/// The two POSIX calls .NET does not expose: link() (an atomic "create if absent" for a fully written file) and
/// fsync() of a directory (makes a rename or link durable, not only the file's bytes).
/// </summary>
internal static partial class PosixFileSystem
{
    private const int EEXIST = 17;
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    /// <summary>
    /// Gives <paramref name="existingPath"/> the second name <paramref name="newPath"/>; false when that name is taken.
    /// Two racers linking to the same name: exactly one succeeds, and a reader never sees a partial file.
    /// </summary>
    public static bool TryLink(string existingPath, string newPath)
    {
        if (link(existingPath, newPath) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            return false;
        }

        throw new IOException($"link '{existingPath}' -> '{newPath}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    /// <summary>Flushes a directory's entries to disk; best effort (a crash of the process alone never needs it).</summary>
    public static void FlushDirectory(string directory)
    {
        var fd = open(directory, ORdOnly | ODirectory);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = fsync(fd);
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string pathname, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
