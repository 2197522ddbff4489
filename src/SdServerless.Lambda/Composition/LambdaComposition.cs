using Microsoft.Extensions.Logging;
using SdServerless.Core.Telemetry;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Composition;

/// <summary>Builds the function's handler from its settings: AWS clients, adapters and the handler _HANDLER names.</summary>
public static class LambdaComposition
{
    public static ILambdaHandler CreateHandler(LambdaSettings settings, ILoggerFactory loggerFactory, ITaskMetrics metrics) =>
        throw new LambdaConfigurationException([$"the {settings.Handler} handler is not wired into this build yet"]);
}
