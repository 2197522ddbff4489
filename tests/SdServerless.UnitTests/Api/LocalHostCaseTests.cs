using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

/// <summary>Ids and bodies that used to break a task's neighbours or the handler itself.</summary>
public class LocalHostCaseTests
{
    [Theory]
    [InlineData("result.json")]
    [InlineData("RESULT.JSON")]
    [InlineData("victim-1.png")]
    [InlineData("victim-12.webp")]
    public async Task AnIdThatCouldStandForAnotherTasksFileIsRefused(string id)
    {
        var host = new ApiTestHost();

        var answer = await host.PostAsync("/v1alpha2", Request(id, "p/victim"));

        Assert.Equal(400, answer.StatusCode);
        Assert.Contains("task.metadata.id", ErrorFields(answer));
        Assert.Empty(host.Queue.Bodies);
    }

    [Theory]
    [InlineData("dot.ted")]
    [InlineData("victim-1")]
    [InlineData("a-1.png.bak")]
    [InlineData("x-.png")]
    public async Task IdsWithDotsThatNameNoOutputFileAreAccepted(string id)
    {
        var host = new ApiTestHost();

        Assert.Equal(200, (await host.PostAsync("/v1alpha2", Request(id, "p"))).StatusCode);
        Assert.Equal(200, (await host.GetStatusAsync(id)).StatusCode);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    public async Task DeeplyNestedV1Alpha1BodiesAreAnsweredNeverA500(int depth)
    {
        var host = new ApiTestHost();
        var nested = new string('[', depth - 2) + new string(']', depth - 2);
        var body = "{\"alwayson_scripts\":{\"task\":\"text-to-image\",\"id_task\":\"deep-" + depth + "\",\"sd_model_checkpoint\":\"v1-5-pruned-emaonly.safetensors\"},"
            + "\"prompt\":\"p\",\"comments\":{\"x\":" + nested + "}}";

        var answer = await host.PostAsync("/v1alpha1", body);

        Assert.True(answer.StatusCode is 200 or 400, $"{answer.StatusCode}: {answer.Body}");
        if (answer.StatusCode == 200)
        {
            Assert.Equal("queued", Body(await host.GetStatusAsync("deep-" + depth))["status"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task OnlyJsonIsAcceptedAMissingContentTypeIncluded(string? contentType)
    {
        var host = new ApiTestHost();

        var answer = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"), contentType);

        Assert.Equal(415, answer.StatusCode);
        Assert.Empty(host.Queue.Bodies);
    }

    [Theory]
    [InlineData("firstpass_image")]
    [InlineData("latent_mask")]
    public async Task ImageFieldsTheDispatcherDoesNotDownloadRefuseUrlsButTakeBase64(string field)
    {
        var host = new ApiTestHost(resolve: (_, _) => Task.FromResult(new[] { System.Net.IPAddress.Parse("93.184.216.34") }));
        string Body(string id, string value) =>
            "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"sdruntime\",\"tasktype\":\"image-to-image\"},"
            + "\"content\":{\"prompt\":\"p\",\"init_images\":[\"iVBORw0KGgo=\"],\"" + field + "\":\"" + value + "\"}}}";

        var url = await host.PostAsync("/v1alpha2", Body("url-" + field, "https://images.example.com/x.png"));
        var base64 = await host.PostAsync("/v1alpha2", Body("b64-" + field, "iVBORw0KGgo="));

        Assert.Equal(400, url.StatusCode);
        Assert.Contains("task.content." + field, ErrorFields(url));
        Assert.Equal(200, base64.StatusCode);
    }

    private static string Request(string id, string prefix) =>
        "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"sdruntime\",\"tasktype\":\"text-to-image\",\"prefix\":\"" + prefix + "\"},"
        + "\"content\":{\"prompt\":\"p\"}}}";
}
