using System.Buffers.Binary;
using SdServerless.Emulator.Images;

namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>Submits tasks to a running local host and waits for them, as a client of the API would.</summary>
internal sealed class PipelineClient(LocalHostProcess host) : IDisposable
{
    private readonly HttpClient _http = host.CreateClient();

    public static string Seed(string name) => TestDataFiles.Seed(name);

    public async Task<JsonNode> SubmitAsync(string version, string body)
    {
        using var response = await _http.PostAsync("/" + version, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> StatusAsync(string id) =>
        JsonNode.Parse(await _http.GetStringAsync($"/v1alpha2/tasks/{id}"))!;

    /// <summary>Polls the status endpoint until the task is finished; returns every status seen on the way.</summary>
    /// <param name="afterPoll">Run after each poll that did not find the task finished (to move the pipeline on).</param>
    public async Task<(JsonNode Final, IReadOnlyList<string> Seen)> WaitUntilFinishedAsync(string id, TimeSpan? timeout = null, Func<Task>? afterPoll = null)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var status = await StatusAsync(id);
            var value = status["status"]!.GetValue<string>();
            if (seen.Count == 0 || seen[^1] != value)
            {
                seen.Add(value);
            }

            if (value is "succeeded" or "failed")
            {
                return (status, seen);
            }

            if (afterPoll is not null)
            {
                await afterPoll();
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"task {id} did not finish; statuses seen: {string.Join(", ", seen)}\n{host.Output}");
    }

    public async Task<JsonNode> ResultAsync(string prefix, string id) =>
        JsonNode.Parse(await File.ReadAllTextAsync(host.ObjectPath($"{prefix}/{id}/result.json")))!;

    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    public static byte[] MakePng(int width, int height) =>
        PngEncoder.Encode(width, height, 3, (y, row) => row.Fill((byte)(y * 7)));

    public void Dispose() => _http.Dispose();
}
