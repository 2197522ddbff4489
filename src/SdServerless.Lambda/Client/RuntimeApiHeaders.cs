namespace SdServerless.Lambda.Client;

/// <summary>Header names of the Lambda Runtime API (2018-06-01).</summary>
public static class RuntimeApiHeaders
{
    /// <summary>The invocation's id, which its response or error report must name.</summary>
    public const string RequestId = "Lambda-Runtime-Aws-Request-Id";
    /// <summary>When Lambda stops the invocation, in Unix epoch milliseconds.</summary>
    public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";
    /// <summary>The ARN the function was invoked by (with a version or alias when there is one).</summary>
    public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";
    /// <summary>The X-Ray trace header of the invocation.</summary>
    public const string TraceId = "Lambda-Runtime-Trace-Id";
    /// <summary>The error type sent with an error report.</summary>
    public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";

    /// <summary>The content type the Runtime API expects for error reports.</summary>
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
}
