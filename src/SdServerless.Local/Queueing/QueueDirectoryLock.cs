namespace SdServerless.Local.Queueing;

/// <summary>
/// Makes one live process the owner of a queue directory. The lock is an exclusive lock on a file, which the kernel
/// releases when the process dies (even by SIGKILL), so a restarted host takes over at once.
/// </summary>
internal sealed class QueueDirectoryLock : IDisposable
{
    private readonly FileStream _lockFile;

    private QueueDirectoryLock(FileStream lockFile) => _lockFile = lockFile;

    public static QueueDirectoryLock Acquire(string directory)
    {
        var lockPath = Path.Combine(directory, "queue.lock");
        var ownerPath = Path.Combine(directory, "queue.owner");
        FileStream lockFile;
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Linux.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException e)
        {
            var owner = ReadOwner(ownerPath);
            throw new InvalidOperationException(
                $"The queue in '{directory}' is already open in another live process{owner}: two processes cannot share " +
                "one queue directory. Stop the other process or give this one another data directory.", e);
        }

        File.WriteAllText(ownerPath, $"{Environment.ProcessId}\n");
        return new QueueDirectoryLock(lockFile);
    }

    public void Dispose() => _lockFile.Dispose();

    private static string ReadOwner(string ownerPath)
    {
        try
        {
            var pid = File.ReadAllText(ownerPath).Trim();
            return pid.Length > 0 ? $" (process id {pid})" : string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
