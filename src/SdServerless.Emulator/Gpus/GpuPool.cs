namespace SdServerless.Emulator.Gpus;

/// <summary>
/// Hands emulated GPUs to requests strictly in arrival order (SemaphoreSlim is not FIFO-fair). Requests wait only
/// when every GPU is busy; a GPU that frees goes straight to the oldest waiter.
/// </summary>
internal sealed class GpuPool(IReadOnlyList<EmulatedGpu> gpus, bool preferLoadedModel)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly bool[] _taken = new bool[gpus.Count];
    private int _busyCount;
    private int _peakBusy;

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    public int BusyCount
    {
        get
        {
            lock (_gate)
            {
                return _busyCount;
            }
        }
    }

    /// <summary>Most GPUs ever held at once.</summary>
    public int PeakBusy
    {
        get
        {
            lock (_gate)
            {
                return _peakBusy;
            }
        }
    }

    public async Task<EmulatedGpu> AcquireAsync(EmulatorModel? wanted, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && PickFree(wanted) is { } free)
            {
                Take(free);
                return gpus[free];
            }

            node = _waiters.AddLast(new Waiter());
        }

        await using var registration = cancellationToken.Register(() => Abandon(node));
        return await node.Value.Completion.Task;
    }

    /// <summary>
    /// Gives the GPU to the oldest waiter, or marks it free. The waiter's job starts on this thread, before the caller
    /// goes on (to encode its images): a real GPU takes its next queued job as soon as it is free, and does not wait
    /// until a thread of the emulator's shared thread pool gets round to it. Waiters therefore complete
    /// synchronously, outside the lock.
    /// </summary>
    public void Release(EmulatedGpu gpu)
    {
        while (true)
        {
            Waiter? next;
            lock (_gate)
            {
                if (_waiters.First is not { } oldest)
                {
                    _taken[gpu.Index] = false;
                    _busyCount--;
                    return;
                }

                // Off the list under the lock, so Abandon can no longer cancel it: only this call completes it.
                _waiters.RemoveFirst();
                next = oldest.Value;
            }

            if (next.Completion.TrySetResult(gpu))
            {
                return;
            }
        }
    }

    private int? PickFree(EmulatorModel? wanted)
    {
        int? first = null;
        for (var i = 0; i < gpus.Count; i++)
        {
            if (_taken[i])
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
        _taken[index] = true;
        _busyCount++;
        _peakBusy = Math.Max(_peakBusy, _busyCount);
    }

    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.Completion.TrySetCanceled();
    }

    private sealed class Waiter
    {
        // Continuations run synchronously on the releasing thread (see Release); never complete one under the lock.
        public TaskCompletionSource<EmulatedGpu> Completion { get; } = new();
    }
}
