namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>The tests that share one moto_server.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
