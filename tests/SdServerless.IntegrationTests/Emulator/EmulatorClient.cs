using System.Net.Http.Headers;
using StbImageSharp;

namespace SdServerless.IntegrationTests.Emulator;

/// <summary>An emulator on a free loopback port and an HttpClient pointed at it.</summary>
internal sealed class EmulatorClient : IAsyncDisposable
{
    private EmulatorClient(EmulatorHost host)
    {
        Host = host;
        Http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public EmulatorHost Host { get; }

    public SdWebUiEmulator Emulator => Host.Emulator;

    public HttpClient Http { get; }

    public static async Task<EmulatorClient> StartAsync(EmulatorOptions? options = null) =>
        new(await EmulatorHost.StartAsync(options ?? new EmulatorOptions()));

    public Task<HttpResponseMessage> PostAsync(string path, string json, CancellationToken cancellationToken = default) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), cancellationToken);

    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        return await ReadAsync(response);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static ImageResult DecodePng(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        return ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
