namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>The tests that share one <see cref="SerialMotoServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SerialMotoCollection : ICollectionFixture<SerialMotoServer>
{
    public const string Name = "moto-serial";
}
