using SdServerless.Local.Callbacks;
using SdServerless.Local.Hosting;

namespace SdServerless.UnitTests.LocalHost;

/// <summary>Which objects the local store may leave unflushed: only those that are rewritten or recomputed when lost.</summary>
public sealed class ExpendableKeysTests
{
    public static TheoryData<string, bool> Keys => new()
    {
        { TaskKeys.State("t1"), true },
        { LocalCallbackTrigger.MarkerKey(TaskKeys.Result("output", "t1")), true },

        // An accepted task, its outputs and its result must survive a power failure.
        { TaskKeys.Request("t1"), false },
        { TaskKeys.Result("output", "t1"), false },
        { TaskKeys.Output("output", "t1", 1, "png"), false },

        // A user's prefix may hold a file named like ours: only the reserved segment's are ours.
        { "output/t1/state.json", false },
        { "output/_sdserverless/callbacks/x.done", false },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void OnlyStateAndCallbackMarkersAreExpendable(string key, bool expendable) =>
        Assert.Equal(expendable, LocalPipeline.IsExpendable(key));
}
