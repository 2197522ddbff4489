namespace SdServerless.UnitTests.Tasks;

/// <summary>Mutated bodies: the parser answers every one of them, and a body it accepts is a complete task.</summary>
public class ParserRobustnessTests
{
    private static readonly string[] Tokens =
        ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "null", "true", "-", "1e999", "99999999999999999999",
         "0.5", "//", "/*", "*/", "\"steps\"", "\"../x\"", "\"https://10.0.0.1/\"", "\u00e9", "\0"];

    [Theory]
    [InlineData("v1alpha1", 1)]
    [InlineData("v1alpha2", 2)]
    public async Task MutatedSeedBodiesNeverThrowAndValidOnesAreComplete(string version, int seed)
    {
        var original = Parsing.Seed(version);
        var random = new Random(seed);
        var parser = Parsing.Parser();
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < 1500; i++)
        {
            var body = Mutate(original, random, 1 + random.Next(3));
            var result = await parser.ParseAsync(Encoding.UTF8.GetBytes(body), version, CancellationToken.None);

            if (result.IsValid)
            {
                Assert.NotNull(result.Task);
                Assert.NotNull(result.RequestHash);
                Assert.Null(KeyRules.CheckId(result.Task.Id));
                Assert.Null(KeyRules.CheckPrefix(result.Task.Prefix, out _));
                _ = System.Text.Json.JsonSerializer.Serialize(result.Task, Core.Json.CoreJsonContext.Default.SdTask);
            }
            else
            {
                Assert.NotEmpty(result.Errors);
                Assert.Null(result.Task);
            }

            var key = result.IsValid ? "valid" : result.IsMalformedJson ? "malformed" : "invalid";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        // The mutations reach all three outcomes, so the assertions above were exercised on each.
        Assert.Equal(3, outcomes.Count);
    }

    private static string Mutate(string body, Random random, int edits)
    {
        var text = new StringBuilder(body);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0:
                    text.Remove(at, Math.Min(1 + random.Next(4), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                default:
                    var from = random.Next(text.Length);
                    text.Insert(at, text.ToString(from, Math.Min(random.Next(20), text.Length - from)));
                    break;
            }
        }

        return text.ToString();
    }
}
