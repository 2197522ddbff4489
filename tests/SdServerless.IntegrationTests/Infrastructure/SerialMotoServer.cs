namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// A moto_server that answers one request at a time. moto checks a DynamoDB write's condition and applies it without
/// a lock, so two concurrent conditional writes on one item can both succeed there, where DynamoDB lets only one
/// through; served one by one, each write is atomic, as on DynamoDB. Only for tests that race conditional writes:
/// a long poll would hold every other request.
/// </summary>
public sealed class SerialMotoServer : MotoServer
{
    private const string Script = """
        import sys
        from werkzeug.serving import run_simple
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)
        """;

    protected override ProcessStartInfo StartInfo(string port) => new("python3", ["-c", Script, "127.0.0.1", port]);
}
