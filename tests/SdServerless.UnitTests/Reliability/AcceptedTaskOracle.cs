using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// An independent re-check of the API's validation rules (docs/api.md) on a task the API accepted (written from the contract, not from
/// the parser), so that the fuzz test can tell "accepted" from "accepted although invalid".
/// </summary>
internal static partial class AcceptedTaskOracle
{
    public static IReadOnlyList<string> Violations(SdTask task)
    {
        var problems = new List<string>();
        if (!IdPattern().IsMatch(task.Id) || task.Id is "." or "..")
        {
            problems.Add($"id '{task.Id}'");
        }

        if (task.Runtime != "sdruntime")
        {
            problems.Add($"runtime '{task.Runtime}'");
        }

        if (task.Prefix.Length > 256 || task.Prefix.Split('/').Any(s => !IdPattern().IsMatch(s) || s is "." or "..") || task.Prefix.StartsWith("_sdserverless", StringComparison.Ordinal))
        {
            problems.Add($"prefix '{task.Prefix}'");
        }

        if (task.ApiVersion == "v1alpha1" && task.Model != "v1-5-pruned-emaonly.safetensors")
        {
            problems.Add($"model '{task.Model}'");
        }

        var content = task.Content;
        CheckSize(content, "width", problems);
        CheckSize(content, "height", problems);
        CheckRange(content, "steps", 1, 150, integer: true, problems);
        CheckRange(content, "batch_size", 1, 16, integer: true, problems);
        CheckRange(content, "n_iter", 1, 16, integer: true, problems);
        CheckRange(content, "cfg_scale", 0, 30, integer: false, problems);
        CheckRange(content, "denoising_strength", 0, 1, integer: false, problems);
        if (Number(content, "batch_size") * Number(content, "n_iter") > 16)
        {
            problems.Add("batch_size × n_iter > 16");
        }

        var hasInit = content["init_images"] is JsonArray { Count: > 0 };
        var hasImage = content["image"] is JsonValue image && image.GetValueKind() == System.Text.Json.JsonValueKind.String && image.GetValue<string>().Length > 0;
        if (task.TaskType == TaskType.ImageToImage && !hasInit && task.ImageLink is null)
        {
            problems.Add("image-to-image without an input");
        }

        if (task.TaskType == TaskType.ExtraSingleImage && !hasImage && task.ImageLink is null)
        {
            problems.Add("extra-single-image without an input");
        }

        foreach (var url in new[] { task.CallbackUrl, task.ImageLink }.OfType<string>())
        {
            if (!IsAcceptableUrl(url))
            {
                problems.Add($"URL '{url}'");
            }
        }

        return problems;
    }

    private static void CheckSize(JsonObject content, string name, List<string> problems)
    {
        CheckRange(content, name, 64, 2048, integer: true, problems);
        if (content[name] is JsonValue && Number(content, name) % 8 != 0)
        {
            problems.Add($"{name} not a multiple of 8");
        }
    }

    private static void CheckRange(JsonObject content, string name, double min, double max, bool integer, List<string> problems)
    {
        var node = content[name];
        if (node is null)
        {
            return;
        }

        if (node is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            problems.Add($"{name} is not a number: {node.ToJsonString()}");
            return;
        }

        var number = double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        if (!double.IsFinite(number) || number < min || number > max || (integer && Math.Floor(number) != number))
        {
            problems.Add($"{name} = {value.ToJsonString()}");
        }
    }

    private static double Number(JsonObject content, string name) =>
        content[name] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : 1;

    /// <summary>https, no credentials, no control characters, and a host that is a public address or resolves only to public ones.</summary>
    private static bool IsAcceptableUrl(string url)
    {
        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != "https" || uri.UserInfo.Length > 0)
        {
            return false;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = HostileApiHarness.ResolveAsync(uri.IdnHost, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (SocketException)
            {
                // Unresolvable at submit time: the connect-time guard decides later (the rule: checked again on use).
                return !uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase);
            }
        }

        return addresses.All(IsPublic);
    }

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127));
        }

        return !(address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex IdPattern();
}
