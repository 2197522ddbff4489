namespace SdServerless.Emulator.Api;

/// <summary>
/// The request models of SD Web UI 1.10.1's API (StableDiffusionTxt2ImgProcessingAPI,
/// StableDiffusionImg2ImgProcessingAPI, ExtrasSingleImageRequest): field names, pydantic types and defaults.
/// Fields not listed here are ignored, as pydantic ignores unknown fields.
/// </summary>
internal static class SdApiFields
{
    private static readonly FieldSpec[] Processing =
    [
        new("prompt", FieldKind.Str, "\"\""),
        new("negative_prompt", FieldKind.Str, "\"\""),
        new("styles", FieldKind.StrList, "null"),
        new("seed", FieldKind.Int, "-1"),
        new("subseed", FieldKind.Int, "-1"),
        new("subseed_strength", FieldKind.Float, "0"),
        new("seed_resize_from_h", FieldKind.Int, "-1"),
        new("seed_resize_from_w", FieldKind.Int, "-1"),
        new("sampler_name", FieldKind.Str, "null"),
        new("scheduler", FieldKind.Str, "null"),
        new("batch_size", FieldKind.Int, "1"),
        new("n_iter", FieldKind.Int, "1"),
        new("steps", FieldKind.Int, "50"),
        new("cfg_scale", FieldKind.Float, "7.0"),
        new("width", FieldKind.Int, "512"),
        new("height", FieldKind.Int, "512"),
        new("restore_faces", FieldKind.Bool, "null"),
        new("tiling", FieldKind.Bool, "null"),
        new("do_not_save_samples", FieldKind.Bool, "false"),
        new("do_not_save_grid", FieldKind.Bool, "false"),
        new("eta", FieldKind.Float, "null"),
        new("s_min_uncond", FieldKind.Float, "null"),
        new("s_churn", FieldKind.Float, "null"),
        new("s_tmax", FieldKind.Float, "null"),
        new("s_tmin", FieldKind.Float, "null"),
        new("s_noise", FieldKind.Float, "null"),
        new("override_settings", FieldKind.Dict, "null"),
        new("override_settings_restore_afterwards", FieldKind.Bool, "true"),
        new("refiner_checkpoint", FieldKind.Str, "null"),
        new("refiner_switch_at", FieldKind.Float, "null"),
        new("disable_extra_networks", FieldKind.Bool, "false"),
        new("firstpass_image", FieldKind.Str, "null"),
        new("comments", FieldKind.Dict, "null"),
    ];

    /// <summary>Fields the API adds to the processing model: those with a default other than None refuse null (422).</summary>
    private static readonly FieldSpec[] ApiAdditions =
    [
        new("force_task_id", FieldKind.Str, "null"),
        new("sampler_index", FieldKind.Str, "\"Euler\"", Nullable: false),
        new("script_name", FieldKind.Str, "null"),
        new("script_args", FieldKind.List, "[]", Nullable: false),
        new("send_images", FieldKind.Bool, "true", Nullable: false),
        new("save_images", FieldKind.Bool, "false", Nullable: false),
        new("alwayson_scripts", FieldKind.Dict, "{}", Nullable: false),
        new("infotext", FieldKind.Str, "null"),
    ];

    /// <summary>Processing fields that pass validation as null and then fail inside processing (500).</summary>
    public static readonly IReadOnlySet<string> CrashOnNull = new HashSet<string>(StringComparer.Ordinal)
    {
        "prompt", "negative_prompt", "steps", "width", "height", "batch_size", "n_iter", "cfg_scale",
    };

    public static readonly IReadOnlyList<FieldSpec> Txt2Img =
    [
        .. Processing,
        new("enable_hr", FieldKind.Bool, "false"),
        new("denoising_strength", FieldKind.Float, "null"),
        new("firstphase_width", FieldKind.Int, "0"),
        new("firstphase_height", FieldKind.Int, "0"),
        new("hr_scale", FieldKind.Float, "2.0"),
        new("hr_upscaler", FieldKind.Str, "null"),
        new("hr_second_pass_steps", FieldKind.Int, "0"),
        new("hr_resize_x", FieldKind.Int, "0"),
        new("hr_resize_y", FieldKind.Int, "0"),
        new("hr_checkpoint_name", FieldKind.Str, "null"),
        new("hr_sampler_name", FieldKind.Str, "null"),
        new("hr_scheduler", FieldKind.Str, "null"),
        new("hr_prompt", FieldKind.Str, "\"\""),
        new("hr_negative_prompt", FieldKind.Str, "\"\""),
        .. ApiAdditions,
    ];

    public static readonly IReadOnlyList<FieldSpec> Img2Img =
    [
        .. Processing,
        new("init_images", FieldKind.StrList, "null"),
        new("resize_mode", FieldKind.Int, "0"),
        new("denoising_strength", FieldKind.Float, "0.75", Nullable: false),
        new("image_cfg_scale", FieldKind.Float, "null"),
        new("mask", FieldKind.Str, "null"),
        new("mask_blur_x", FieldKind.Int, "4"),
        new("mask_blur_y", FieldKind.Int, "4"),
        new("mask_blur", FieldKind.Int, "null"),
        new("mask_round", FieldKind.Bool, "true"),
        new("inpainting_fill", FieldKind.Int, "0"),
        new("inpaint_full_res", FieldKind.Bool, "true"),
        new("inpaint_full_res_padding", FieldKind.Int, "0"),
        new("inpainting_mask_invert", FieldKind.Int, "0"),
        new("initial_noise_multiplier", FieldKind.Float, "null"),
        new("latent_mask", FieldKind.Str, "null"),
        new("include_init_images", FieldKind.Bool, "false", Nullable: false, Echoed: false),
        .. ApiAdditions,
    ];

    public static readonly IReadOnlyList<FieldSpec> ExtrasSingleImage =
    [
        new("resize_mode", FieldKind.ZeroOrOne, "0", Nullable: false),
        new("show_extras_results", FieldKind.Bool, "true", Nullable: false),
        new("gfpgan_visibility", FieldKind.Float, "0", Nullable: false),
        new("codeformer_visibility", FieldKind.Float, "0", Nullable: false),
        new("codeformer_weight", FieldKind.Float, "0", Nullable: false),
        new("upscaling_resize", FieldKind.Float, "2", Nullable: false),
        new("upscaling_resize_w", FieldKind.Int, "512", Nullable: false),
        new("upscaling_resize_h", FieldKind.Int, "512", Nullable: false),
        new("upscaling_crop", FieldKind.Bool, "true", Nullable: false),
        new("upscaler_1", FieldKind.Str, "\"None\"", Nullable: false),
        new("upscaler_2", FieldKind.Str, "\"None\"", Nullable: false),
        new("extras_upscaler_2_visibility", FieldKind.Float, "0", Nullable: false),
        new("upscale_first", FieldKind.Bool, "false", Nullable: false),
        new("image", FieldKind.Str, "\"\"", Nullable: false),
    ];
}
