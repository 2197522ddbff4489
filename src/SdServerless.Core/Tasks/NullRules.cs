namespace SdServerless.Core.Tasks;

/// <summary>
/// Which SD Web UI 1.10 fields may be null. null is not "use the default" there: the fields the API adds with a
/// default, and every field of the extras request, answer 422; processing fields pass validation and then crash
/// (500); the rest (seed, sampler_name, override_settings, …) take null.
/// </summary>
internal static class NullRules
{
    private static readonly HashSet<string> RefusedByApi = ["send_images", "save_images", "alwayson_scripts", "script_args", "sampler_index"];

    private static readonly HashSet<string> RefusedByImg2Img = ["denoising_strength", "include_init_images"];

    private static readonly HashSet<string> CrashProcessing = ["prompt", "negative_prompt", "steps", "width", "height", "batch_size", "n_iter", "cfg_scale"];

    private static readonly HashSet<string> ExtrasFields =
    [
        "resize_mode", "show_extras_results", "gfpgan_visibility", "codeformer_visibility", "codeformer_weight",
        "upscaling_resize", "upscaling_resize_w", "upscaling_resize_h", "upscaling_crop", "upscaler_1", "upscaler_2",
        "extras_upscaler_2_visibility", "upscale_first",
    ];

    /// <summary>Why <paramref name="name"/> may not be null for <paramref name="taskType"/>, or null when it may.</summary>
    public static string? Problem(string name, TaskType? taskType) => taskType switch
    {
        TaskType.ExtraSingleImage when ExtrasFields.Contains(name) => Refused,
        TaskType.ExtraSingleImage => null,
        _ when RefusedByApi.Contains(name) => Refused,
        TaskType.ImageToImage when RefusedByImg2Img.Contains(name) => Refused,
        _ when CrashProcessing.Contains(name) => "must not be null: SD Web UI fails on a null " + name + "; leave it out for the default",
        _ => null,
    };

    private const string Refused = "must not be null: SD Web UI refuses null here (422); leave it out for the default";
}
