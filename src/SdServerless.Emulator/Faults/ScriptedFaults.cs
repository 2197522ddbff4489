namespace SdServerless.Emulator;

/// <summary>
/// A thread-safe script of faults for the requests a filter selects (generation requests by default):
/// <c>new ScriptedFaults().Then(EmulatorFault.ServiceUnavailable(), times: 2)</c> answers 503 twice, then normally.
/// Use it as <c>options.Faults = script.Next</c>.
/// </summary>
public sealed class ScriptedFaults(Func<EmulatorRequest, bool>? appliesTo = null)
{
    private readonly Func<EmulatorRequest, bool> _appliesTo = appliesTo ?? (request => request.IsGeneration);
    private readonly Queue<EmulatorFault?> _steps = new();
    private readonly Lock _gate = new();
    private EmulatorFault? _afterwards;
    private int _injected;

    /// <summary>Faults handed out so far.</summary>
    public int Injected
    {
        get
        {
            lock (_gate)
            {
                return _injected;
            }
        }
    }

    /// <summary>Appends <paramref name="fault"/> for the next <paramref name="times"/> selected requests.</summary>
    /// <param name="fault">The fault to inject.</param>
    /// <param name="times">How many selected requests get it; at least 1.</param>
    /// <returns>This script, to chain further steps.</returns>
    public ScriptedFaults Then(EmulatorFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return Enqueue(fault, times);
    }

    /// <summary>Lets the next <paramref name="times"/> selected requests through unharmed.</summary>
    public ScriptedFaults ThenNormal(int times = 1) => Enqueue(null, times);

    /// <summary>What every selected request gets once the script has run out (normal handling unless set).</summary>
    public ScriptedFaults ThenAlways(EmulatorFault? fault)
    {
        lock (_gate)
        {
            _afterwards = fault;
        }

        return this;
    }

    /// <summary>
    /// The fault for <paramref name="request"/>: the script's next step if the filter selects it, else none. Fits
    /// <see cref="EmulatorOptions.Faults"/>.
    /// </summary>
    /// <param name="request">The request the emulator is about to handle.</param>
    public EmulatorFault? Next(EmulatorRequest request)
    {
        if (!_appliesTo(request))
        {
            return null;
        }

        lock (_gate)
        {
            var fault = _steps.Count > 0 ? _steps.Dequeue() : _afterwards;
            if (fault is not null)
            {
                _injected++;
            }

            return fault;
        }
    }

    private ScriptedFaults Enqueue(EmulatorFault? fault, int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _steps.Enqueue(fault);
            }
        }

        return this;
    }
}
