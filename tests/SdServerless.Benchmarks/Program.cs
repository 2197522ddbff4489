using BenchmarkDotNet.Running;

// Run one group with: dotnet run -c Release --project tests/SdServerless.Benchmarks -- --filter '*Webhook*' --inProcess
// (--inProcess: BenchmarkDotNet's generated out-of-process project failed to build on the development machine).
BenchmarkSwitcher.FromAssembly(typeof(SdServerless.Benchmarks.Webhooks.WebhookSigningBenchmarks).Assembly).Run(args);
