namespace SdServerless.UnitTests.Testing;

/// <summary>
/// The test kit's shared pieces that other tests lean on without checking them: the sample files reach the test
/// output and task messages are what the dispatcher reads back. (Its servers, which open sockets, are checked with the
/// integration tests.)
/// </summary>
public sealed class TestKitTests
{
    [Fact]
    public void EverySampleFileInTestDataIsCopiedNextToTheTestsAndFoundByItsPath()
    {
        var source = RepositoryFiles.PathOf(Path.Combine("tests", "TestData"));
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories);

        Assert.Contains(files, f => f.Contains(Path.Combine("Events", "Lambda"), StringComparison.Ordinal));
        Assert.All(files, file =>
        {
            var parts = Path.GetRelativePath(source, file).Split(Path.DirectorySeparatorChar);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(TestDataFiles.PathOf(parts)));
        });
    }

    [Fact]
    public void TheSeedEventAndLambdaEventReadersReadTheirFolders()
    {
        Assert.Equal(File.ReadAllText(TestDataFiles.PathOf("Seed", "request-v1alpha2.jsonc")), TestDataFiles.Seed("request-v1alpha2.jsonc"));
        Assert.Equal(File.ReadAllText(TestDataFiles.PathOf("Events", "apigw-rest-post.json")), TestDataFiles.Event("apigw-rest-post.json"));
        Assert.Equal(TestDataFiles.Event("Lambda", "sqs-two-messages.json"), Encoding.UTF8.GetString(TestDataFiles.LambdaEvent("sqs-two-messages.json")));
    }

    [Fact]
    public void ATaskMessageReadsBackAsTheTaskItWasMadeFrom()
    {
        var task = TestTasks.Create("t-1", TaskType.ImageToImage, """{"prompt":"a cat"}""", model: "m", imageLink: "https://example.com/a.png", context: JsonValue.Create(7), callbackUrl: "https://hooks.example.com/x", runtime: "other");

        var message = TaskMessageReader.Parse(TestTasks.MessageBody(task))!;

        Assert.Equal("t-1", message.IdTask);
        Assert.Equal(
            ("v1alpha2", "t-1", "other", TaskType.ImageToImage, "output", "m", "https://example.com/a.png", "https://hooks.example.com/x"),
            (message.Task!.ApiVersion, message.Task.Id, message.Task.Runtime, message.Task.TaskType, message.Task.Prefix, message.Task.Model, message.Task.ImageLink, message.Task.CallbackUrl));
        Assert.Equal("7", message.Task.Context!.ToJsonString());
        Assert.Equal("""{"prompt":"a cat"}""", message.Task.Content.ToJsonString());
    }
}
