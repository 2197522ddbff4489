namespace SdServerless.IntegrationTests.Deployment;

/// <summary>A CloudFormation template as JSON, with the look-ups the deployment tests share.</summary>
internal sealed class CfnTemplate(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public JsonElement Parameters => Root.GetProperty("Parameters");

    public JsonElement Resource(string logicalId) =>
        Root.GetProperty("Resources").TryGetProperty(logicalId, out var resource)
            ? resource
            : throw new Xunit.Sdk.XunitException($"the template has no resource {logicalId}.");

    public JsonElement Properties(string logicalId) => Resource(logicalId).GetProperty("Properties");

    public IEnumerable<(string LogicalId, JsonElement Resource)> ResourcesOfType(string type) =>
        Root.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == type)
            .Select(r => (r.Name, r.Value));

    /// <summary>The logical id an intrinsic names: {"Ref": X}, {"Fn::GetAtt": [X, ...]}; null for anything else.</summary>
    public static string? Target(JsonElement value) =>
        value.ValueKind != JsonValueKind.Object ? null
        : value.TryGetProperty("Ref", out var reference) ? reference.GetString()
        : value.TryGetProperty("Fn::GetAtt", out var attribute) ? attribute[0].GetString()
        : null;

    /// <summary>Every IAM statement attached to a role: its inline policies and the policy resources naming it.</summary>
    public IEnumerable<JsonElement> RoleStatements(string roleId)
    {
        var inline = Properties(roleId).TryGetProperty("Policies", out var policies)
            ? policies.EnumerateArray().Select(p => p.GetProperty("PolicyDocument"))
            : [];
        var attached = Root.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() is "AWS::IAM::RolePolicy" or "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy")
            .Where(r => NamesRole(r.Value.GetProperty("Properties"), roleId))
            .Select(r => r.Value.GetProperty("Properties").GetProperty("PolicyDocument"));
        return inline.Concat(attached).SelectMany(document => Statements(document.GetProperty("Statement")));
    }

    /// <summary>The statements of every policy document anywhere in the template (roles, policies, bucket policies).</summary>
    public IEnumerable<JsonElement> AllStatements() => FindStatements(Root.GetProperty("Resources"));

    /// <summary>Literal strings of an IAM field (a string or a list); intrinsic functions are returned as null.</summary>
    public static IEnumerable<string?> Values(JsonElement field) => field.ValueKind switch
    {
        JsonValueKind.String => [field.GetString()],
        JsonValueKind.Array => field.EnumerateArray().SelectMany(Values),
        _ => [null],
    };

    private static bool NamesRole(JsonElement properties, string roleId) =>
        (properties.TryGetProperty("RoleName", out var role) && Target(role) == roleId)
        || (properties.TryGetProperty("Roles", out var roles) && roles.EnumerateArray().Any(r => Target(r) == roleId));

    /// <summary>A Statement's statements; one under Fn::If counts with the branches that are statements (the condition may hold).</summary>
    private static IEnumerable<JsonElement> Statements(JsonElement statement) =>
        (statement.ValueKind == JsonValueKind.Array ? [.. statement.EnumerateArray()] : new[] { statement }).SelectMany(s =>
            s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Fn::If", out var branches)
                ? branches.EnumerateArray().Skip(1).Where(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("Effect", out _))
                : [s]);

    private static IEnumerable<JsonElement> FindStatements(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "Statement" ? Statements(p.Value) : FindStatements(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(FindStatements),
        _ => [],
    };
}
