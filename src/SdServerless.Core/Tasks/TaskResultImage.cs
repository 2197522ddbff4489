namespace SdServerless.Core.Tasks;

public sealed record TaskResultImage(string Key, string S3Uri, string ContentType, long Size);
