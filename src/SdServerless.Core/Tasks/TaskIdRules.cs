namespace SdServerless.Core.Tasks;

/// <summary>Task ids become S3 key segments and file names: 1–128 of A-Z a-z 0-9 . _ -, not "." or "..".</summary>
public static class TaskIdRules
{
    public const int MaxLength = 128;

    public const string Description = "must be 1-128 characters of A-Z a-z 0-9 . _ - and not '.' or '..'";

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id != "." && id != ".." && id.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
