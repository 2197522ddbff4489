using System.Net.Sockets;
using SdServerless.Core.Net;

namespace SdServerless.UnitTests.Tasks;

/// <summary>Builds parsers over the default runtime with a fake DNS, and reads the documented examples.</summary>
internal static class Parsing
{
    public const string PublicHost = "images.example.com";
    public const string PrivateHost = "intranet.example.com";

    public static TaskParser Parser(RuntimeCatalog? catalog = null) =>
        new(catalog ?? RuntimeCatalog.Default(["http://127.0.0.1:7861"]), new UrlPolicy(false, false, FakeDns));

    public static Task<TaskParseResult> V2(string json, TaskParser? parser = null) =>
        (parser ?? Parser()).ParseAsync(Encoding.UTF8.GetBytes(json), ApiVersion.V1Alpha2, CancellationToken.None);

    public static Task<TaskParseResult> V1(string json, TaskParser? parser = null) =>
        (parser ?? Parser()).ParseAsync(Encoding.UTF8.GetBytes(json), ApiVersion.V1Alpha1, CancellationToken.None);

    public static string Seed(string version) => TestDataFiles.Seed($"request-{version}.jsonc");

    /// <summary>A v1alpha2 body: metadata fields as given (null leaves one out) and a content object literal.</summary>
    public static string V2Body(
        string content = """{"prompt":"a cat"}""",
        string? id = "\"t1\"",
        string? runtime = "\"sdruntime\"",
        string? tasktype = "\"text-to-image\"",
        string? extraMetadata = null)
    {
        var metadata = new List<string>();
        if (id is not null) metadata.Add($"\"id\":{id}");
        if (runtime is not null) metadata.Add($"\"runtime\":{runtime}");
        if (tasktype is not null) metadata.Add($"\"tasktype\":{tasktype}");
        if (extraMetadata is not null) metadata.Add(extraMetadata);
        return "{\"task\":{\"metadata\":{" + string.Join(",", metadata) + "},\"content\":" + content + "}}";
    }

    /// <summary>Asserts exactly one error and returns its message.</summary>
    public static string SingleError(TaskParseResult result, string field)
    {
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        return error.Message;
    }

    /// <summary>Valid when <paramref name="accepted"/>; else exactly one error on <paramref name="field"/> containing <paramref name="fragment"/>.</summary>
    public static void AssertAcceptedOrRefused(TaskParseResult result, bool accepted, string field, string fragment)
    {
        if (accepted)
        {
            AssertValid(result);
        }
        else
        {
            Assert.Contains(fragment, SingleError(result, field), StringComparison.Ordinal);
        }
    }

    public static void AssertValid(TaskParseResult result)
    {
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    private static Task<IPAddress[]> FakeDns(string host, CancellationToken ct) => host switch
    {
        PublicHost => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") }),
        PrivateHost => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }),
        _ => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
    };
}
