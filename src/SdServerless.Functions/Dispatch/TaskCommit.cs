using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// commit.json: the run that finishes a task first, with the result.json it will publish and the staged images
/// behind it. Created only if none exists, so exactly one run's outputs ever become the task's.
/// </summary>
public sealed class TaskCommit
{
    public required TaskResult Result { get; init; }

    public required IReadOnlyList<StagedImage> Images { get; init; }
}
