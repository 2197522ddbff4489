using SdServerless.Core.SdWebUi;

namespace SdServerless.UnitTests.Dispatch;

public sealed class RetryAndErrorTests
{
    [Theory]
    [InlineData(1, 0.0, 5)]
    [InlineData(1, 0.999, 10)]
    [InlineData(3, 0.0, 20)]
    [InlineData(3, 0.999, 40)]
    [InlineData(20, 0.999, 300)]
    public void BackoffDoublesPerAttemptUpToTheCap(int attempt, double jitter, int seconds)
    {
        var delay = RetryBackoff.Delay(attempt, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), jitter);

        Assert.Equal(seconds, delay.TotalSeconds);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    public void StatusCodesAreClassifiedAsTransientOrPermanent(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient, SdWebUiErrorBody.Classify(status, "").IsTransient);
    }

    [Fact]
    public void OutOfMemoryIsTheOneTransientServerError()
    {
        var failure = SdWebUiErrorBody.Classify(HttpStatusCode.InternalServerError, "OutOfMemoryError; CUDA out of memory.");

        Assert.True(failure.IsTransient);
        Assert.Equal("sdwebui_out_of_memory", failure.Error.Type);
    }

    [Theory]
    [InlineData("""{"detail":"Init image not found"}""", "Init image not found")]
    [InlineData("""{"error":"HTTPException","detail":"","body":"","errors":"Invalid encoded image"}""", "HTTPException; Invalid encoded image")]
    [InlineData("""{"detail":[{"loc":["body","width"],"msg":"value is not a valid integer"},{"loc":["body","steps"],"msg":"field required"}]}""", "width: value is not a valid integer; steps: field required")]
    [InlineData("Internal Server Error", "Internal Server Error")]
    public void SdWebUisErrorBodiesBecomeOneMessage(string body, string message)
    {
        Assert.Equal(message, SdWebUiErrorBody.Describe(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void ACheckpointIsNamedByEverySpellingSdWebUiAcceptsAndNoOther()
    {
        var model = new SdWebUiModel
        {
            Title = "sd15/v1-5-pruned-emaonly.safetensors [6ce0161689]",
            ModelName = "sd15_v1-5-pruned-emaonly",
            Hash = "6ce0161689",
            Sha256 = "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
            Filename = "/models/Stable-diffusion/sd15/v1-5-pruned-emaonly.safetensors",
        };

        Assert.True(model.IsNamedBy("sd15/v1-5-pruned-emaonly.safetensors [6ce0161689]"));
        Assert.True(model.IsNamedBy("sd15/v1-5-pruned-emaonly.safetensors"));
        Assert.True(model.IsNamedBy("v1-5-pruned-emaonly"));
        Assert.True(model.IsNamedBy("v1-5-pruned-emaonly [6ce0161689]"));
        Assert.True(model.IsNamedBy("sd15_v1-5-pruned-emaonly"));
        Assert.True(model.IsNamedBy("6ce0161689"));
        Assert.True(model.IsNamedBy("6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa"));

        // SD Web UI drops a bare file name of a checkpoint in a sub-folder and uses its default checkpoint instead.
        Assert.False(model.IsNamedBy("v1-5-pruned-emaonly.safetensors"));
        Assert.False(model.IsNamedBy("V1-5-pruned-emaonly"));
        Assert.False(model.IsNamedBy("v1-5-pruned.safetensors"));
        Assert.False(model.IsNamedBy(""));
    }
}
