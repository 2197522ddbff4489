using SdServerless.Functions.Pool;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>The local host's registry: every dispatcher of the process shares one instance.</summary>
[Trait("Category", "Integration")]
public sealed class InProcessPoolRegistryContractTests : PoolRegistryContractTests
{
    private InProcessPoolRegistry? _registry;

    protected override IPoolRegistry Connect(PoolRules rules, IReadOnlyList<PoolServer>? fixedServers = null) =>
        _registry ??= new InProcessPoolRegistry(fixedServers ?? [], rules, Clock);
}
