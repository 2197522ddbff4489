namespace SdServerless.Testing;

/// <summary>
/// The sample files the test projects read, kept once in tests/TestData and copied by each test project next to its
/// assembly, under TestData/: the example requests and responses (Seed/) and the sample Lambda and S3 events
/// (Events/, and Events/Lambda/ for whole Lambda invocation payloads). One place to look them up, so a test never
/// builds the path itself and a moved file breaks one line.
/// </summary>
public static class TestDataFiles
{
    /// <summary>The copy next to the test assembly of tests/TestData/<paramref name="parts"/>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    /// <summary>An example request or response (tests/TestData/Seed), as text.</summary>
    public static string Seed(string name) => File.ReadAllText(PathOf("Seed", name));

    /// <summary>A sample event (tests/TestData/Events/<paramref name="parts"/>), as text.</summary>
    public static string Event(params string[] parts) => File.ReadAllText(PathOf(["Events", .. parts]));

    /// <summary>A sample Lambda invocation payload (tests/TestData/Events/Lambda), byte for byte.</summary>
    public static byte[] LambdaEvent(string name) => File.ReadAllBytes(PathOf("Events", "Lambda", name));
}
