namespace SdServerless.Core.SdWebUi;

/// <summary>
/// Keys of alwayson_scripts that route a task (CONTRACT §3) rather than name a real SD Web UI script:
/// they never reach SD Web UI.
/// </summary>
public static class SdWebUiRoutingKeys
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "task", "id_task", "sd_model_checkpoint", "image_link", "save_dir", "uid", "callback_url",
    };

    public static bool IsRoutingKey(string key) => All.Contains(key);
}
