using SdServerless.Core.Tasks;

namespace SdServerless.Core.SdWebUi;

/// <summary>The SD Web UI API routes the dispatcher calls.</summary>
public static class SdWebUiPaths
{
    /// <summary>Lists the checkpoints the server found, with their titles and hashes.</summary>
    public const string Models = "/sdapi/v1/sd-models";
    /// <summary>The server's settings; sd_model_checkpoint there is the checkpoint it has loaded.</summary>
    public const string Options = "/sdapi/v1/options";
    /// <summary>Makes the server read its checkpoint folder again, for checkpoints added since it started.</summary>
    public const string RefreshCheckpoints = "/sdapi/v1/refresh-checkpoints";
    /// <summary>The progress of the job the server runs now, and how many wait behind it.</summary>
    public const string Progress = "/sdapi/v1/progress";

    /// <summary>Stops the job the server runs now (the only way to: a client that disconnects does not).</summary>
    public const string Interrupt = "/sdapi/v1/interrupt";

    /// <summary>The route a task of <paramref name="taskType"/> is posted to.</summary>
    /// <param name="taskType">The task's type.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value that is no task type.</exception>
    public static string For(TaskType taskType) => taskType switch
    {
        TaskType.TextToImage => "/sdapi/v1/txt2img",
        TaskType.ImageToImage => "/sdapi/v1/img2img",
        TaskType.ExtraSingleImage => "/sdapi/v1/extra-single-image",
        _ => throw new ArgumentOutOfRangeException(nameof(taskType), taskType, "unknown task type"),
    };
}
