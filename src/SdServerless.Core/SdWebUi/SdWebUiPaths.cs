using SdServerless.Core.Tasks;

namespace SdServerless.Core.SdWebUi;

/// <summary>The SD Web UI API routes the dispatcher calls.</summary>
public static class SdWebUiPaths
{
    public const string Models = "/sdapi/v1/sd-models";
    public const string Options = "/sdapi/v1/options";
    public const string RefreshCheckpoints = "/sdapi/v1/refresh-checkpoints";
    public const string Progress = "/sdapi/v1/progress";

    /// <summary>Stops the job the server runs now (the only way to: a client that disconnects does not).</summary>
    public const string Interrupt = "/sdapi/v1/interrupt";

    public static string For(TaskType taskType) => taskType switch
    {
        TaskType.TextToImage => "/sdapi/v1/txt2img",
        TaskType.ImageToImage => "/sdapi/v1/img2img",
        TaskType.ExtraSingleImage => "/sdapi/v1/extra-single-image",
        _ => throw new ArgumentOutOfRangeException(nameof(taskType), taskType, "unknown task type"),
    };
}
