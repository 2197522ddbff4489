using SdServerless.Emulator;
using SdServerless.Emulator.Api;

namespace SdServerless.UnitTests.Emulator;

public sealed class GenerationPlannerTests : IDisposable
{
    private readonly SdWebUiEmulator _emulator = new(new EmulatorOptions { Models = ["a.safetensors", "b.ckpt"] });

    [Fact]
    public void SeedsCountUpFromTheGivenSeedAcrossBatchesAndIterations()
    {
        var plan = Plan("""{"seed": 100, "batch_size": 2, "n_iter": 2}""");

        Assert.Equal([100L, 101, 102, 103], plan.Seeds);
        Assert.Equal(100, plan.Seed);
    }

    [Fact]
    public void SeedMinusOneDrawsARandomSeedThatThenCountsUp()
    {
        var plans = Enumerable.Range(0, 5).Select(_ => Plan("""{"seed": -1, "batch_size": 3}""")).ToList();

        Assert.All(plans, plan => Assert.InRange(plan.Seed, 0, 4294967294));
        Assert.All(plans, plan => Assert.Equal([plan.Seed, plan.Seed + 1, plan.Seed + 2], plan.Seeds));
        Assert.True(plans.Select(plan => plan.Seed).Distinct().Count() > 1);
    }

    [Fact]
    public void WithASubseedStrengthEveryImageKeepsTheSeed() =>
        Assert.Equal([7L, 7], Plan("""{"seed": 7, "batch_size": 2, "subseed_strength": 0.5}""").Seeds);

    [Fact]
    public void SizesAreFlooredToMultiplesOfEight()
    {
        var plan = Plan("""{"width": 500, "height": "100"}""");

        Assert.Equal((496, 96), (plan.Width, plan.Height));
    }

    [Fact]
    public void AnUnknownSamplerFallsBackToDpmPlusPlus2M()
    {
        Assert.Equal("DPM++ 2M", Plan("""{"sampler_name": "No Such Sampler"}""").Sampler);
        Assert.Equal("Euler a", Plan("""{"sampler_name": "euler a"}""").Sampler);
        Assert.Equal("Euler", Plan("{}").Sampler);
    }

    [Fact]
    public void AKnownCheckpointOverrideIsUsedAndAnUnknownOneIgnored()
    {
        Assert.Equal("b.ckpt", Plan("""{"override_settings": {"sd_model_checkpoint": "b"}}""").Model.Name);
        Assert.Equal("a.safetensors", Plan("""{"override_settings": {"sd_model_checkpoint": "nope.safetensors"}}""").Model.Name);
        Assert.Equal("a.safetensors", Plan("{}").Model.Name);
    }

    [Fact]
    public void AnOverrideThatIsNotRestoredBecomesTheDefaultCheckpoint()
    {
        Plan("""{"override_settings": {"sd_model_checkpoint": "b.ckpt"}, "override_settings_restore_afterwards": false}""");

        Assert.Equal("b.ckpt", Plan("{}").Model.Name);
    }

    [Theory]
    [InlineData("""{"width": 4}""", "RuntimeError")]
    [InlineData("""{"batch_size": 0}""", "RuntimeError")]
    [InlineData("""{"width": 100000}""", "OutOfMemoryError")]
    [InlineData("""{"batch_size": 100, "n_iter": 100}""", "OutOfMemoryError")]
    [InlineData("""{"batch_size": 4611686018427387904, "n_iter": 4}""", "OutOfMemoryError")]
    public void ImpossibleRequestsFailAsTheServerWould(string json, string error)
    {
        using var document = JsonDocument.Parse(json);
        var request = PydanticBinder.Bind(document.RootElement, SdApiFields.Txt2Img, []);

        Assert.Null(GenerationPlanner.Plan("txt2img", request, _emulator, out var failure));
        Assert.Equal(error, failure.Error);
    }

    [Fact]
    public void InfotextsNameSeedSizeAndModelAndSayTheyArePlaceholders()
    {
        var plan = Plan("""{"prompt": "a cat", "negative_prompt": "dogs", "seed": 5, "steps": 20, "width": 64, "height": 48}""");

        var text = InfoText.For(plan, 0);

        Assert.StartsWith("a cat\nNegative prompt: dogs\nSteps: 20, Sampler: Euler,", text, StringComparison.Ordinal);
        Assert.Contains("Seed: 5, Size: 64x48, Model hash: " + plan.Model.Hash + ", Model: a,", text, StringComparison.Ordinal);
        Assert.Contains("not Stable Diffusion", text, StringComparison.Ordinal);
    }

    public void Dispose() => _emulator.Dispose();

    private GenerationPlan Plan(string json)
    {
        using var document = JsonDocument.Parse(json);
        var issues = new List<ValidationIssue>();
        var request = PydanticBinder.Bind(document.RootElement, SdApiFields.Txt2Img, issues);
        Assert.Empty(issues);
        var plan = GenerationPlanner.Plan("txt2img", request, _emulator, out var failure);
        Assert.True(plan is not null, failure.Message);
        return plan;
    }
}
