using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Callback;

/// <summary>Turns a result.json into the webhook body.</summary>
internal static class CallbackPayloadBuilder
{
    public static CallbackPayload Build(TaskResult result, string bucket, string resultKey, IObjectUrlSigner urlSigner, TimeSpan urlLifetime)
    {
        var folder = resultKey[..^(TaskKeys.ResultFileName.Length + 1)];
        var images = result.Images
            .Select(image => new CallbackImage(image.S3Uri, urlSigner.GetReadUrl(image.Key, urlLifetime).AbsoluteUri, image.ContentType, image.Size))
            .ToList();
        return new CallbackPayload
        {
            Id = result.IdTask,
            IdTask = result.IdTask,
            Runtime = result.Runtime,
            Tasktype = result.Tasktype,
            Result = result.Status == TaskStatus.Succeeded,
            Status = result.Status,
            ImageUrl = result.Images.Select(image => image.S3Uri).ToList(),
            OutputUrl = TaskKeys.S3Uri(bucket, resultKey),
            OutputLocation = TaskKeys.S3Uri(bucket, folder),
            Images = images,
            Error = result.Error,
            Context = result.Context,
        };
    }
}
