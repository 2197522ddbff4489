namespace SdServerless.IntegrationTests.Tasks;

[Trait("Category", "Integration")]
public sealed class ListingTests
{
    [Fact]
    public async Task AListingPagesThrough250TasksNewestFirst()
    {
        await using var host = await InProcessHost.StartAsync(o => o.NoDispatch = true);
        var ids = Enumerable.Range(0, 250).Select(i => $"listed-{i:D3}").ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await host.SubmitAsync(id, seed: i);
        }

        var seen = new List<string>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await host.Client.GetStringAsync("/v1alpha2/tasks?limit=100" + (cursor is null ? "" : "&cursor=" + cursor)))!;
            var tasks = page["tasks"]!.AsArray();
            sizes.Add(tasks.Count);
            seen.AddRange(tasks.Select(t => t!["id_task"]!.GetValue<string>()));
            Assert.All(tasks, t => Assert.Equal("queued", t!["status"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal([100, 100, 50], sizes);

        // Submitted one after the other: newest first is the reverse of the submission order.
        Assert.Equal(Enumerable.Reverse(ids), seen);
        var firstPage = JsonNode.Parse(await host.Client.GetStringAsync("/v1alpha2/tasks"))!["tasks"]!.AsArray();
        Assert.Equal(20, firstPage.Count);
        Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/v1alpha2/tasks?status=succeeded"))!["tasks"]!.AsArray());
    }
}
