using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Client;
using SdServerless.Lambda.Context;

namespace SdServerless.UnitTests.Lambda;

public class LambdaBootstrapTests
{
    private readonly FakeEnvironmentVariables _environment = new();

    [Fact]
    public async Task HandlerExceptionIsReportedAsInvocationErrorAndTheNextInvocationStillRuns()
    {
        var client = new FakeRuntimeApiClient(Invocation("req-1", "\"boom\""), Invocation("req-2", "\"echo\""));
        var handler = new DelegateLambdaHandler((body, _, _) =>
            body == "\"boom\"" ? throw new InvalidOperationException("handler failed") : Task.FromResult(body));

        // The fake's next fails once its queue is empty: that ends the loop, as a vanished Runtime API would.
        await Assert.ThrowsAsync<HttpRequestException>(() => Bootstrap(client, handler).RunAsync(CancellationToken.None));

        var error = Assert.Single(client.Errors);
        Assert.Equal("req-1", error.Key);
        Assert.Equal("InvalidOperationException", error.Value.ErrorType);
        Assert.Equal("handler failed", error.Value.ErrorMessage);
        Assert.Equal("\"echo\"", Assert.Single(client.Responses, r => r.Key == "req-2").Value);
    }

    [Fact]
    public async Task TraceHeaderIsExportedAsXAmznTraceIdDuringTheInvocation()
    {
        string? seen = null;
        var handler = new DelegateLambdaHandler((body, _, _) =>
        {
            seen = _environment.Get("_X_AMZN_TRACE_ID");
            return Task.FromResult(body);
        });
        var client = new FakeRuntimeApiClient();

        await Bootstrap(client, handler).InvokeOnceAsync(Invocation("req-1", "{}", traceId: "Root=1-abc;Sampled=1"), CancellationToken.None);
        Assert.Equal("Root=1-abc;Sampled=1", seen);

        // An invocation without a trace header must not inherit the previous one's.
        await Bootstrap(client, handler).InvokeOnceAsync(Invocation("req-2", "{}", traceId: null), CancellationToken.None);
        Assert.Null(seen);
    }

    [Fact]
    public async Task HandlerStillRunningAtTheDeadlineIsCancelledAndReported()
    {
        var handler = new DelegateLambdaHandler(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return "never";
        });
        var client = new FakeRuntimeApiClient();
        var deadline = TimeProvider.System.GetUtcNow().AddMilliseconds(300);

        await Bootstrap(client, handler).InvokeOnceAsync(Invocation("req-1", "{}", deadline: deadline), CancellationToken.None);

        Assert.Empty(client.Responses);
        Assert.Equal("TaskCanceledException", Assert.Single(client.Errors).Value.ErrorType);
    }

    [Fact]
    public async Task HandlerGetsTheInvocationsContext()
    {
        LambdaContext? seen = null;
        var handler = new DelegateLambdaHandler((body, context, _) =>
        {
            seen = context;
            return Task.FromResult(body);
        });
        var client = new FakeRuntimeApiClient();

        await Bootstrap(client, handler).InvokeOnceAsync(Invocation("req-7", "{}"), CancellationToken.None);

        Assert.Equal("req-7", seen?.AwsRequestId);
        Assert.Equal("{}", client.Responses["req-7"]);
    }

    private LambdaBootstrap Bootstrap(IRuntimeApiClient client, ILambdaHandler handler) =>
        new(client, handler, _environment, NullLogger<LambdaBootstrap>.Instance, TimeProvider.System, TimeSpan.FromMilliseconds(100));

    private static Invocation Invocation(string requestId, string body, string? traceId = null, DateTimeOffset? deadline = null) =>
        new(new LambdaContext(requestId, deadline ?? DateTimeOffset.UtcNow.AddMinutes(5), "arn:aws:lambda:us-east-1:1:function:f", traceId),
            Encoding.UTF8.GetBytes(body));
}
