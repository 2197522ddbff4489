using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// commit.json: the run that finishes a task first, with the result.json it will publish and the staged images
/// behind it. Created only if none exists, so exactly one run's outputs ever become the task's.
/// </summary>
public sealed class TaskCommit
{
    /// <summary>The result.json to publish once the images are in place.</summary>
    public required TaskResult Result { get; init; }

    /// <summary>The winning run's staged images, each with the key it is copied to.</summary>
    public required IReadOnlyList<StagedImage> Images { get; init; }
}
