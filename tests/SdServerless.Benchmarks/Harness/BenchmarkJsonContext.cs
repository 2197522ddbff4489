using System.Text.Json.Serialization;
using SdServerless.Benchmarks.AwsPool;

namespace SdServerless.Benchmarks.Harness;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchmarkReport))]
[JsonSerializable(typeof(GpuServerLog))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
