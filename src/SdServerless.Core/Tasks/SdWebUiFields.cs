using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SdServerless.Core.Tasks;

/// <summary>The JSON type of an SD Web UI request field that the parser checks.</summary>
internal enum FieldKind
{
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    StringArray,

    /// <summary>An image: https URL, data:image/...;base64 URL or plain base64.</summary>
    Image,

    /// <summary>An array of <see cref="Image"/>.</summary>
    ImageArray,
}

/// <summary>The fields with a generation bound (docs/api.md); the rest are only type-checked.</summary>
internal enum BoundedField
{
    None,
    Width,
    Height,
    Steps,
    BatchSize,
    NIter,
    CfgScale,
    DenoisingStrength,
    HrScale,
    HrResizeX,
    HrResizeY,
    HrSecondPassSteps,
    UpscalingResize,
    UpscalingResizeW,
    UpscalingResizeH,
}

internal readonly record struct KnownField(FieldKind Kind, BoundedField Bound = BoundedField.None);

/// <summary>
/// Types of the txt2img, img2img and extra-single-image request fields of SD Web UI 1.10. SD Web UI ignores
/// unknown fields, so those pass through unchecked; a known field of the wrong type would only fail later on a GPU.
/// </summary>
internal static class SdWebUiFields
{
    public const string AlwaysOnScripts = "alwayson_scripts";
    public const string InitImages = "init_images";
    public const string Image = "image";
    public const string OverrideSettings = "override_settings";
    public const string ModelSetting = "sd_model_checkpoint";

    public static readonly FrozenDictionary<string, KnownField> Known = new Dictionary<string, KnownField>
    {
        ["prompt"] = new(FieldKind.String),
        ["negative_prompt"] = new(FieldKind.String),
        ["styles"] = new(FieldKind.StringArray),
        ["seed"] = new(FieldKind.Integer),
        ["subseed"] = new(FieldKind.Integer),
        ["subseed_strength"] = new(FieldKind.Number),
        ["seed_resize_from_h"] = new(FieldKind.Integer),
        ["seed_resize_from_w"] = new(FieldKind.Integer),
        ["sampler_name"] = new(FieldKind.String),
        ["sampler_index"] = new(FieldKind.String),
        ["scheduler"] = new(FieldKind.String),
        ["batch_size"] = new(FieldKind.Integer, BoundedField.BatchSize),
        ["n_iter"] = new(FieldKind.Integer, BoundedField.NIter),
        ["steps"] = new(FieldKind.Integer, BoundedField.Steps),
        ["cfg_scale"] = new(FieldKind.Number, BoundedField.CfgScale),
        ["width"] = new(FieldKind.Integer, BoundedField.Width),
        ["height"] = new(FieldKind.Integer, BoundedField.Height),
        ["restore_faces"] = new(FieldKind.Boolean),
        ["tiling"] = new(FieldKind.Boolean),
        ["do_not_save_samples"] = new(FieldKind.Boolean),
        ["do_not_save_grid"] = new(FieldKind.Boolean),
        ["eta"] = new(FieldKind.Number),
        ["denoising_strength"] = new(FieldKind.Number, BoundedField.DenoisingStrength),
        ["s_min_uncond"] = new(FieldKind.Number),
        ["s_churn"] = new(FieldKind.Number),
        ["s_tmax"] = new(FieldKind.Number),
        ["s_tmin"] = new(FieldKind.Number),
        ["s_noise"] = new(FieldKind.Number),
        [OverrideSettings] = new(FieldKind.Object),
        ["override_settings_restore_afterwards"] = new(FieldKind.Boolean),
        ["refiner_checkpoint"] = new(FieldKind.String),
        ["refiner_switch_at"] = new(FieldKind.Number),
        ["disable_extra_networks"] = new(FieldKind.Boolean),
        ["firstpass_image"] = new(FieldKind.Image),
        ["comments"] = new(FieldKind.Object),
        ["enable_hr"] = new(FieldKind.Boolean),
        ["firstphase_width"] = new(FieldKind.Integer),
        ["firstphase_height"] = new(FieldKind.Integer),
        ["hr_scale"] = new(FieldKind.Number, BoundedField.HrScale),
        ["hr_upscaler"] = new(FieldKind.String),
        ["hr_second_pass_steps"] = new(FieldKind.Integer, BoundedField.HrSecondPassSteps),
        ["hr_resize_x"] = new(FieldKind.Integer, BoundedField.HrResizeX),
        ["hr_resize_y"] = new(FieldKind.Integer, BoundedField.HrResizeY),
        ["hr_checkpoint_name"] = new(FieldKind.String),
        ["hr_sampler_name"] = new(FieldKind.String),
        ["hr_scheduler"] = new(FieldKind.String),
        ["hr_prompt"] = new(FieldKind.String),
        ["hr_negative_prompt"] = new(FieldKind.String),
        ["force_task_id"] = new(FieldKind.String),
        ["infotext"] = new(FieldKind.String),
        [InitImages] = new(FieldKind.ImageArray),
        ["resize_mode"] = new(FieldKind.Integer),
        ["image_cfg_scale"] = new(FieldKind.Number),
        ["mask"] = new(FieldKind.Image),
        ["mask_blur_x"] = new(FieldKind.Integer),
        ["mask_blur_y"] = new(FieldKind.Integer),
        ["mask_blur"] = new(FieldKind.Integer),
        ["mask_round"] = new(FieldKind.Boolean),
        ["inpainting_fill"] = new(FieldKind.Integer),
        ["inpaint_full_res"] = new(FieldKind.Boolean),
        ["inpaint_full_res_padding"] = new(FieldKind.Integer),
        ["inpainting_mask_invert"] = new(FieldKind.Integer),
        ["initial_noise_multiplier"] = new(FieldKind.Number),
        ["latent_mask"] = new(FieldKind.Image),
        ["include_init_images"] = new(FieldKind.Boolean),
        ["script_name"] = new(FieldKind.String),
        ["script_args"] = new(FieldKind.Array),
        ["send_images"] = new(FieldKind.Boolean),
        ["save_images"] = new(FieldKind.Boolean),
        [AlwaysOnScripts] = new(FieldKind.Object),
        [Image] = new(FieldKind.Image),
        ["show_extras_results"] = new(FieldKind.Boolean),
        ["gfpgan_visibility"] = new(FieldKind.Number),
        ["codeformer_visibility"] = new(FieldKind.Number),
        ["codeformer_weight"] = new(FieldKind.Number),
        ["upscaling_resize"] = new(FieldKind.Number, BoundedField.UpscalingResize),
        ["upscaling_resize_w"] = new(FieldKind.Integer, BoundedField.UpscalingResizeW),
        ["upscaling_resize_h"] = new(FieldKind.Integer, BoundedField.UpscalingResizeH),
        ["upscaling_crop"] = new(FieldKind.Boolean),
        ["upscaler_1"] = new(FieldKind.String),
        ["upscaler_2"] = new(FieldKind.String),
        ["extras_upscaler_2_visibility"] = new(FieldKind.Number),
        ["upscale_first"] = new(FieldKind.Boolean),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, KnownField>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan =
        Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Looks a property up, without allocating its name unless the JSON escaped it.</summary>
    public static bool TryGet(JsonProperty property, out KnownField field)
    {
        var utf8Name = JsonMarshal.GetRawUtf8PropertyName(property);
        if (utf8Name.Length > 64 || utf8Name.Contains((byte)'\\'))
        {
            // Escaped names must still be recognised, or "st\u0065ps" would slip past the bounds.
            return Known.TryGetValue(property.Name, out field);
        }

        Span<char> name = stackalloc char[64];
        var written = Encoding.UTF8.GetChars(utf8Name, name);
        return KnownBySpan.TryGetValue(name[..written], out field);
    }
}
