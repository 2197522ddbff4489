using SdServerless.Core.Images;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// How large an input image may be: a small file can hold a picture that decodes to gigabytes on the GPU server.
/// Image-to-image resizes its inputs to the task's width × height, so an input may be twice the runtime's largest
/// side (a phone photo fits); extras upscale theirs up to four times, so an input there may be the largest side.
/// </summary>
public static class InputImageBounds
{
    /// <summary>The longest width or height, in pixels, an input image of a <paramref name="taskType"/> task may have.</summary>
    /// <param name="bounds">The runtime's bounds, whose largest side scales the limit.</param>
    /// <param name="taskType">Image-to-image allows twice the largest side; extras allow the largest side itself.</param>
    public static int MaxSide(GenerationBounds bounds, TaskType taskType) =>
        taskType == TaskType.ExtraSingleImage ? bounds.MaxSize : 2 * bounds.MaxSize;

    /// <summary>Why the image is too large, or null (also when its size cannot be read from these bytes).</summary>
    public static string? Problem(ReadOnlySpan<byte> image, GenerationBounds bounds, TaskType taskType)
    {
        if (!ImageDimensions.TryRead(image, out var width, out var height))
        {
            return null;
        }

        var max = MaxSide(bounds, taskType);
        return width > max || height > max
            ? $"is a {width}×{height} image; this runtime takes input images of at most {max} pixels on a side for {(taskType == TaskType.ExtraSingleImage ? "extra-single-image" : "image-to-image")}"
            : null;
    }
}
