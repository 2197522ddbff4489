namespace SdServerless.Lambda.Bootstrap;

/// <summary>Variables the Lambda execution environment sets for a custom runtime.</summary>
public static class LambdaEnvironmentVariableNames
{
    /// <summary>host:port of the Runtime API.</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The function's Handler setting: api, dispatcher or callback.</summary>
    public const string Handler = "_HANDLER";

    /// <summary>Set per invocation from Lambda-Runtime-Trace-Id; the AWS SDK and X-Ray read it.</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";

    /// <summary>The function's name: the dimension and log group its metrics and logs belong to.</summary>
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary>Lambda's advanced logging control: TRACE, DEBUG, INFO, WARN, ERROR, FATAL.</summary>
    public const string LogLevel = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>The region the function runs in, which the AWS clients call.</summary>
    public const string Region = "AWS_REGION";
}
