using static SdServerless.IntegrationTests.Tasks.InProcessHost;

namespace SdServerless.IntegrationTests.Tasks;

/// <summary>
/// Real answers of every route of the local host, over HTTP, checked against the OpenAPI document: each status code
/// and body a route gave must be one the document lists, with a body its schema accepts.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OpenApiConformanceTests
{
    private static readonly string V2Example = OpenApiDocument.Root["paths"]!["/v1alpha2"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["text-to-image"]!["value"]!.ToJsonString();
    private static readonly string V1Example = OpenApiDocument.Root["paths"]!["/v1alpha1"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["text-to-image"]!["value"]!.ToJsonString();

    [Fact]
    public async Task EveryRoutesAnswersMatchTheDocument()
    {
        await using var host = await StartAsync(o => o.EmulatorDelayMs = 600_000);
        var covered = new HashSet<(string, string)>();

        async Task<string> Check(string method, string documentedPath, string path, string? body = null, string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, contentType);
            }

            using var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            OpenApiDocument.AssertConforms(documentedPath, method, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text);
            covered.Add((documentedPath, method));
            return text;
        }

        // The document's own examples are accepted as they are.
        await Check("POST", "/v1alpha2", "/v1alpha2", V2Example.Replace("test-t2i", "doc-v2", StringComparison.Ordinal));
        await Check("POST", "/v1alpha1", "/v1alpha1", V1Example);
        await Check("POST", "/v1alpha2", "/v1alpha2", V2Example.Replace("test-t2i", "doc-v2", StringComparison.Ordinal).Replace("dawn", "dusk", StringComparison.Ordinal));
        await Check("POST", "/v1alpha2", "/v1alpha2", """{"task":{"metadata":{"id":"../x","runtime":"nope","tasktype":"paint"},"content":{"steps":"many"}}}""");
        await Check("POST", "/v1alpha2", "/v1alpha2", "{", "application/json");
        await Check("POST", "/v1alpha2", "/v1alpha2", V2Example, "text/plain");
        await Check("POST", "/v1alpha1", "/v1alpha1", "{}");

        await host.WaitForAsync("doc-v2", s => StatusOf(s) == "running", "ran");
        await Check("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/doc-v2");
        await Check("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/my-v1-task");
        await Check("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/nobody");
        await Check("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/a%20b");
        await Check("GET", "/v1alpha2/tasks", "/v1alpha2/tasks");
        await Check("GET", "/v1alpha2/tasks", "/v1alpha2/tasks?status=running&limit=1");
        await Check("GET", "/v1alpha2/tasks", "/v1alpha2/tasks?limit=1000");
        await Check("GET", "/admin/pool", "/admin/pool");
        await Check("GET", "/admin/callbacks", "/admin/callbacks");
        await Check("POST", "/admin/callbacks/replay", "/admin/callbacks/replay");

        await Check("POST", "/v1alpha2/tasks/{id}/cancel", "/v1alpha2/tasks/doc-v2/cancel");
        await Check("DELETE", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/my-v1-task");
        await host.WaitForAsync("doc-v2", s => StatusOf(s) == "cancelled", "cancelled");
        await host.WaitForAsync("my-v1-task", s => StatusOf(s) == "cancelled", "cancelled");
        await Check("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/doc-v2");
        await Check("POST", "/v1alpha2/tasks/{id}/cancel", "/v1alpha2/tasks/doc-v2/cancel");
        await Check("DELETE", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/nobody");
        await Check("POST", "/v1alpha2/tasks/{id}/cancel", "/v1alpha2/tasks/a%20b/cancel");

        var document = await Check("GET", "/openapi.json", "/openapi.json");
        Assert.Equal(OpenApiDocument.Root.ToJsonString(), JsonNode.Parse(document)!.ToJsonString());

        // /objects/{key} serves images, which have no JSON body to check; the rest is every operation of the document.
        var documented = OpenApiDocument.Operations.Where(op => op.Path != "/objects/{key}").ToHashSet();
        Assert.Empty(documented.Except(covered));
    }

    [Fact]
    public void TheCheckRejectsABodyTheDocumentDoesNotAllow()
    {
        Assert.ThrowsAny<Exception>(() => OpenApiDocument.AssertConforms("/v1alpha2/tasks/{id}", "GET", 200, "application/json", """{"id_task":1}"""));
        Assert.ThrowsAny<Exception>(() => OpenApiDocument.AssertConforms("/v1alpha2/tasks", "GET", 200, "application/json",
            """{"tasks":[{"id_task":"x","runtime":"r","status":"done","waiting_for":null,"output_location":"s3://b/x","images":[],"error":null,"attempts":0,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}],"next_cursor":null}"""));
        Assert.ThrowsAny<Exception>(() => OpenApiDocument.AssertConforms("/v1alpha2/tasks/{id}", "GET", 418, "application/json", "{}"));
    }

    [Fact]
    public async Task AFinishedTaskAndAConflictMatchTheDocument()
    {
        await using var host = await StartAsync();
        await host.SubmitAsync("quick", seed: 1);
        await host.WaitForAsync("quick", s => StatusOf(s) == "succeeded", "succeeded");

        using var status = await host.Client.GetAsync("/v1alpha2/tasks/quick");
        OpenApiDocument.AssertConforms("/v1alpha2/tasks/{id}", "GET", 200, "application/json", await status.Content.ReadAsStringAsync());
        using var cancel = await host.Client.PostAsync("/v1alpha2/tasks/quick/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        OpenApiDocument.AssertConforms("/v1alpha2/tasks/{id}/cancel", "POST", 409, cancel.Content.Headers.ContentType?.ToString(), await cancel.Content.ReadAsStringAsync());
        var image = JsonNode.Parse(await status.Content.ReadAsStringAsync())!["images"]![0]!.GetValue<string>();
        using var png = await host.Client.GetAsync("/objects/" + image["s3://outputbucket/".Length..]);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
    }
}
