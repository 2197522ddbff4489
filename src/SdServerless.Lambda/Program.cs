using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Client;
using SdServerless.Lambda.Composition;
using SdServerless.Lambda.Context;
using SdServerless.Lambda.Logging;
using SdServerless.Lambda.Telemetry;

// The custom runtime's entry point: configure, report a failed start through runtime/init/error, then serve invocations.
var environment = new SystemEnvironmentVariables();
var timeProvider = TimeProvider.System;
var output = JsonLineWriter.StandardOutput();
using var loggerFactory = LambdaLogging.CreateFactory(output, environment, timeProvider);
var logger = loggerFactory.CreateLogger("SdServerless.Lambda");

var runtimeApi = environment.Get(LambdaEnvironmentVariableNames.RuntimeApi);
if (runtimeApi is null)
{
    logger.LogCritical("{Variable} is not set: this program runs only as a Lambda custom runtime", LambdaEnvironmentVariableNames.RuntimeApi);
    return 1;
}

var client = RuntimeApiClient.Create(runtimeApi);
ILambdaHandler handler;
try
{
    var settings = LambdaOptions.Load(environment);
    var metrics = new EmfTaskMetrics(
        output,
        environment.Get(EnvironmentVariableNames.MetricsNamespace) ?? EmfTaskMetrics.DefaultNamespace,
        timeProvider,
        LambdaLogging.ParseLevel(environment.Get(LambdaEnvironmentVariableNames.LogLevel)));
    handler = LambdaComposition.CreateHandler(settings, environment, loggerFactory, metrics, timeProvider);
}
catch (Exception exception)
{
    var errorType = exception is LambdaConfigurationException ? LambdaConfigurationException.ErrorType : "Runtime.UnknownReason";
    logger.LogCritical(exception, "Initialization failed: {ErrorMessage}", exception.Message);
    await client.ReportInitErrorAsync(errorType, ErrorReport.FromException(exception), CancellationToken.None);
    return 1;
}

// Lambda sends SIGTERM before shutting an environment down (with extensions); stop between invocations.
using var stopping = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stopping.Cancel();
    });

var bootstrap = new LambdaBootstrap(
    client, handler, environment, loggerFactory.CreateLogger<LambdaBootstrap>(), timeProvider, LambdaContext.DefaultSafetyMargin);
try
{
    await bootstrap.RunAsync(stopping.Token);
    return 0;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 0;
}
catch (HttpRequestException exception)
{
    logger.LogCritical(exception, "The Runtime API failed: {ErrorMessage}", exception.Message);
    return 2;
}
