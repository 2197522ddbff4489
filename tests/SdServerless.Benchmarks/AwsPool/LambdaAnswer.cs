namespace SdServerless.Benchmarks.AwsPool;

/// <summary>What an environment posted for one invocation: its response, or an invocation or init error.</summary>
public sealed record LambdaAnswer(bool IsError, bool InitError, string Body);
