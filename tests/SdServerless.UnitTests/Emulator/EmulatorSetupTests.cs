using SdServerless.Emulator;

namespace SdServerless.UnitTests.Emulator;

public class EmulatorSetupTests
{
    [Fact]
    public void CommandLineOptionsConfigureTheEmulator()
    {
        var ok = EmulatorCommandLine.TryParse(
            ["--emulator-only", "--urls", "http://127.0.0.1:9999", "--emulator-workers", "4", "--emulator-delay-ms=250",
             "--models", "a.safetensors, b.ckpt", "--model-switch-ms", "50", "--emulator-noise-bits", "4"],
            out var options, out var url, out var error);

        Assert.True(ok, error);
        Assert.Equal("http://127.0.0.1:9999", url);
        Assert.Equal(4, options.Workers);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.DelayPerImage);
        Assert.Equal(["a.safetensors", "b.ckpt"], options.Models);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.ModelSwitchDelay);
        Assert.Equal(4, options.ImageNoiseBits);
    }

    [Fact]
    public void TheLocalHostsSpellingsAreAccepted()
    {
        Assert.True(EmulatorCommandLine.TryParse(["--emulator-model-switch-ms", "7", "--emulator-models", "x.ckpt"], out var options, out _, out _));

        Assert.Equal(TimeSpan.FromMilliseconds(7), options.ModelSwitchDelay);
        Assert.Equal(["x.ckpt"], options.Models);
    }

    [Fact]
    public void WithoutOptionsTheDefaultsApply()
    {
        Assert.True(EmulatorCommandLine.TryParse([], out var options, out var url, out _));

        Assert.Equal("http://127.0.0.1:7861", url);
        Assert.Equal(1, options.Workers);
        Assert.Equal(TimeSpan.Zero, options.DelayPerImage);
        Assert.Equal([EmulatorOptions.DefaultModel], options.Models);
    }

    [Theory]
    [InlineData("--emulator-workers", "0", "invalid value")]
    [InlineData("--emulator-delay-ms", "soon", "invalid value")]
    [InlineData("--emulator-noise-bits", "9", "invalid value")]
    [InlineData("--bogus", "1", "Unknown option --bogus")]
    [InlineData("--api-auth", "no-colon-secret", "takes USER:PASSWORD")]
    public void BadOptionsAreNamed(string name, string value, string message)
    {
        Assert.False(EmulatorCommandLine.TryParse([name, value], out _, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiAuthTakesSdWebUisUserColonPassword()
    {
        Assert.True(EmulatorCommandLine.TryParse(["--api-auth", "alice:s3cret"], out var options, out _, out _));
        Assert.Equal("alice:s3cret", options.ApiAuth);
    }

    [Fact]
    public void AnOptionWithoutAValueIsNamed()
    {
        Assert.False(EmulatorCommandLine.TryParse(["--urls"], out _, out _, out var error));
        Assert.Contains("--urls needs a value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsAnswerToTheAliasesSdWebUiAccepts()
    {
        var model = EmulatorModel.FromName("v1-5-pruned-emaonly.safetensors");

        Assert.Equal($"v1-5-pruned-emaonly.safetensors [{model.Hash}]", model.Title);
        Assert.Equal(10, model.Hash!.Length);
        Assert.StartsWith(model.Hash, model.Sha256!, StringComparison.Ordinal);
        Assert.All(new[] { model.Name, model.Title, "v1-5-pruned-emaonly", model.Hash, model.Sha256!, $"v1-5-pruned-emaonly [{model.Hash}]" }, alias => Assert.True(model.Matches(alias)));
        Assert.False(model.Matches("v1-5"));
    }

    [Fact]
    public void AModelInASubFolderAnswersToItsIdsOnlyAndToItsHashOnlyOnceHashed()
    {
        var model = EmulatorModel.FromName("sd15/photo.safetensors", hashed: false);

        Assert.Equal(("sd15/photo.safetensors", null, null), (model.Title, model.Hash, model.Sha256));
        Assert.All(new[] { "sd15/photo.safetensors", "photo", "sd15_photo", model.LegacyHash }, alias => Assert.True(model.Matches(alias), alias));
        Assert.False(model.Matches("photo.safetensors"));
        Assert.False(model.Matches("photo [" + model.Sha256Hash[..10] + "]"));

        model.MarkHashed();

        Assert.Equal("sd15/photo.safetensors [" + model.Hash + "]", model.Title);
        Assert.True(model.Matches("photo [" + model.Hash + "]"));
        Assert.True(model.Matches(model.Sha256!));
        Assert.True(model.Matches("sd15/photo.safetensors"));
        Assert.False(model.Matches("photo.safetensors"));
    }

    [Fact]
    public void ScriptedFaultsRunInOrderForGenerationRequestsOnly()
    {
        var script = new ScriptedFaults()
            .Then(EmulatorFault.ServiceUnavailable(), times: 2)
            .ThenNormal()
            .Then(EmulatorFault.Abort());
        var models = new EmulatorRequest("GET", "/sdapi/v1/sd-models", 1);
        EmulatorRequest Generation(long n) => new("POST", "/sdapi/v1/txt2img", n);

        Assert.Null(script.Next(models));
        var faults = Enumerable.Range(1, 5).Select(n => script.Next(Generation(n))).ToList();

        Assert.Equal([503, 503], faults.Take(2).Select(fault => fault!.StatusCode));
        Assert.Null(faults[2]);
        Assert.Equal(EmulatorFaultKind.Abort, faults[3]!.Kind);
        Assert.Null(faults[4]);
        Assert.Equal(3, script.Injected);
    }

    [Fact]
    public void AnAlwaysFaultAppliesOnceTheScriptRunsOut()
    {
        var script = new ScriptedFaults().ThenAlways(EmulatorFault.Status(500));

        Assert.All(Enumerable.Range(1, 3), n => Assert.Equal(500, script.Next(new("POST", "/sdapi/v1/img2img", n))!.StatusCode));
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new SdWebUiEmulator(new EmulatorOptions { Workers = 0 }));
        Assert.Throws<ArgumentException>(() => new SdWebUiEmulator(new EmulatorOptions { Models = [] }));
    }
}
