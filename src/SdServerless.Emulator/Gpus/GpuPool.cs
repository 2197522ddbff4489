namespace SdServerless.Emulator.Gpus;

/// <summary>
/// Hands emulated GPUs to requests strictly in arrival order (SemaphoreSlim is not FIFO-fair). Requests wait only
/// when every GPU is busy; a GPU that frees goes straight to the oldest waiter.
/// </summary>
internal sealed class GpuPool(IReadOnlyList<EmulatedGpu> gpus, bool preferLoadedModel)
{
    private readonly Lock gate = new();
    private readonly LinkedList<Waiter> waiters = new();
    private readonly bool[] taken = new bool[gpus.Count];
    private int busyCount;
    private int peakBusy;

    public int QueueLength
    {
        get
        {
            lock (gate)
            {
                return waiters.Count;
            }
        }
    }

    public int BusyCount
    {
        get
        {
            lock (gate)
            {
                return busyCount;
            }
        }
    }

    /// <summary>Most GPUs ever held at once.</summary>
    public int PeakBusy
    {
        get
        {
            lock (gate)
            {
                return peakBusy;
            }
        }
    }

    public async Task<EmulatedGpu> AcquireAsync(EmulatorModel? wanted, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter> node;
        lock (gate)
        {
            if (waiters.Count == 0 && PickFree(wanted) is { } free)
            {
                Take(free);
                return gpus[free];
            }

            node = waiters.AddLast(new Waiter());
        }

        await using var registration = cancellationToken.Register(() => Abandon(node));
        return await node.Value.Completion.Task;
    }

    public void Release(EmulatedGpu gpu)
    {
        lock (gate)
        {
            while (waiters.First is { } oldest)
            {
                waiters.RemoveFirst();
                if (oldest.Value.Completion.TrySetResult(gpu))
                {
                    return;
                }
            }

            taken[gpu.Index] = false;
            busyCount--;
        }
    }

    private int? PickFree(EmulatorModel? wanted)
    {
        int? first = null;
        for (var i = 0; i < gpus.Count; i++)
        {
            if (taken[i])
            {
                continue;
            }

            if (!preferLoadedModel || wanted is null || gpus[i].LoadedModel == wanted)
            {
                return i;
            }

            first ??= i;
        }

        return first;
    }

    private void Take(int index)
    {
        taken[index] = true;
        busyCount++;
        peakBusy = Math.Max(peakBusy, busyCount);
    }

    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (gate)
        {
            if (node.List is not null)
            {
                waiters.Remove(node);
                node.Value.Completion.TrySetCanceled();
            }
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<EmulatedGpu> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
