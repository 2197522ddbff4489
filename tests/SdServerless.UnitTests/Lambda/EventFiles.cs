namespace SdServerless.UnitTests.Lambda;

/// <summary>The sample events under Events/Lambda, copied next to the test assembly.</summary>
internal static class EventFiles
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Events", "Lambda", name));
}
