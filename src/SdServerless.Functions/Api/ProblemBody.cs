using System.Text.Json.Serialization;
using SdServerless.Core.Validation;

namespace SdServerless.Functions.Api;

/// <summary>An RFC 9457 problem details body, the API's answer to every rejection.</summary>
/// <param name="Type">"urn:sdserverless:problem:" and the problem's short name, which clients match on.</param>
/// <param name="Title">A short summary of the problem type, the same for each occurrence.</param>
/// <param name="Status">The HTTP status code, repeated for clients that only keep the body.</param>
/// <param name="Detail">This occurrence: what was wrong and what to do about it.</param>
/// <param name="TaskStatus">Extension member: the final status of a task that can no longer be cancelled.</param>
/// <param name="Errors">Each invalid field and why; left out when the problem is not about fields.</param>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TaskStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FieldError>? Errors);
