namespace SdServerless.Emulator;

/// <summary>The ways an <see cref="EmulatorFault"/> disturbs a request.</summary>
public enum EmulatorFaultKind
{
    /// <summary>Answer at once with a status code and body instead of handling the request.</summary>
    Status,
    /// <summary>Wait (until the client gives up or the time passes), then handle the request normally.</summary>
    Hang,
    /// <summary>Close the connection without an answer, as a server that dies mid-request does.</summary>
    Abort,
}
