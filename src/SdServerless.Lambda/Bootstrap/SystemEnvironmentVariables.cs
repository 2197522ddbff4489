namespace SdServerless.Lambda.Bootstrap;

public sealed class SystemEnvironmentVariables : IEnvironmentVariables
{
    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);
}
