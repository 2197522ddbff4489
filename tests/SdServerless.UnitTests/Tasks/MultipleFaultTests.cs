namespace SdServerless.UnitTests.Tasks;

public class MultipleFaultTests
{
    [Fact]
    public async Task ABodyWithFiveDifferentFaultsListsAllFive()
    {
        var body = """
            {
              "task": {
                "metadata": {
                  "id": "../escape",
                  "runtime": "nope",
                  "tasktype": "image-to-image",
                  "prefix": "/abs"
                },
                "content": { "steps": "many", "width": 4096 }
              }
            }
            """;

        var result = await Parsing.V2(body);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["task.metadata.id", "task.metadata.runtime", "task.metadata.prefix", "task.content.steps",
             "task.content.width", "task.content.init_images"],
            result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task AV1Alpha1BodyWithFiveFaultsListsAllFive()
    {
        var body = """
            {
              "alwayson_scripts": { "task": "paint", "id_task": "a/b", "sd_model_checkpoint": "unknown.ckpt", "save_dir": "a/../b" },
              "prompt": [12]
            }
            """;

        var result = await Parsing.V1(body);

        Assert.Equal(
            ["alwayson_scripts.task", "alwayson_scripts.id_task", "alwayson_scripts.sd_model_checkpoint",
             "alwayson_scripts.save_dir", "prompt"],
            result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task AHostileBodyWithThousandsOfFaultsGetsABoundedList()
    {
        var styles = string.Join(",", Enumerable.Range(0, 5000).Select(_ => "{}"));

        var result = await Parsing.V2(Parsing.V2Body($$"""{"styles":[{{styles}}]}"""));

        Assert.Equal(51, result.Errors.Count);
        Assert.Equal("body", result.Errors[^1].Field);
    }
}
