using System.Text.Json.Serialization;

namespace SdServerless.Core.Tasks;

[JsonConverter(typeof(JsonStringEnumConverter<TaskType>))]
public enum TaskType
{
    [JsonStringEnumMemberName("text-to-image")]
    TextToImage,

    [JsonStringEnumMemberName("image-to-image")]
    ImageToImage,

    [JsonStringEnumMemberName("extra-single-image")]
    ExtraSingleImage,
}
