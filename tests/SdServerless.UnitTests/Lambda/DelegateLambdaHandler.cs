using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Context;

namespace SdServerless.UnitTests.Lambda;

internal sealed class DelegateLambdaHandler(Func<string, LambdaContext, CancellationToken, Task<string>> handle) : ILambdaHandler
{
    public async Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> eventJson, LambdaContext context, CancellationToken cancellationToken) =>
        System.Text.Encoding.UTF8.GetBytes(await handle(System.Text.Encoding.UTF8.GetString(eventJson.Span), context, cancellationToken));
}
