using SdServerless.Lambda.Bootstrap;

namespace SdServerless.UnitTests.Lambda;

internal sealed class FakeEnvironmentVariables(Dictionary<string, string>? values = null) : IEnvironmentVariables
{
    public Dictionary<string, string> Values { get; } = values ?? [];

    public string? Get(string name) => Values.TryGetValue(name, out var value) ? value : null;

    public void Set(string name, string? value)
    {
        if (value is null)
        {
            Values.Remove(name);
        }
        else
        {
            Values[name] = value;
        }
    }
}
