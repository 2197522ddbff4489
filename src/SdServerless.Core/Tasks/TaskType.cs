using System.Text.Json.Serialization;

namespace SdServerless.Core.Tasks;

/// <summary>The SD Web UI operation a task runs; each has its own route (<see cref="SdWebUi.SdWebUiPaths.For"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskType>))]
public enum TaskType
{
    /// <summary>txt2img: images from a prompt.</summary>
    [JsonStringEnumMemberName("text-to-image")]
    TextToImage,

    /// <summary>img2img: images from a prompt and an input image (init_images or image_link).</summary>
    [JsonStringEnumMemberName("image-to-image")]
    ImageToImage,

    /// <summary>extra-single-image: upscales or restores one input image (image), without a prompt.</summary>
    [JsonStringEnumMemberName("extra-single-image")]
    ExtraSingleImage,
}
