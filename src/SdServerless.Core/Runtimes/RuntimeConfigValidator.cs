using SdServerless.Core.Tasks;

namespace SdServerless.Core.Runtimes;

/// <summary>Lists every problem of a runtime configuration, so that an operator fixes the file in one go.</summary>
internal static class RuntimeConfigValidator
{
    public static List<string> Validate(IReadOnlyList<RuntimeConfig?> runtimes)
    {
        var problems = new List<string>();
        if (runtimes.Count == 0)
        {
            problems.Add("\"runtimes\" must list at least one runtime");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < runtimes.Count; i++)
        {
            var at = $"runtimes[{i}]";
            var runtime = runtimes[i];
            if (runtime is null)
            {
                problems.Add($"{at} must be an object");
                continue;
            }

            if (string.IsNullOrEmpty(runtime.Name))
            {
                problems.Add($"{at}.name is required");
            }
            else if (KeyRules.CheckId(runtime.Name) is { } nameProblem)
            {
                problems.Add($"{at}.name '{runtime.Name}' {nameProblem}");
            }
            else if (!names.Add(runtime.Name))
            {
                problems.Add($"{at}.name '{runtime.Name}' is used by more than one runtime");
            }

            if (!string.Equals(runtime.Type, RuntimeCatalog.SdWebUiType, StringComparison.Ordinal))
            {
                problems.Add($"{at}.type '{runtime.Type}' is not supported (known: {RuntimeCatalog.SdWebUiType})");
            }

            CheckEndpoints(runtime.Endpoints, at, problems);
            CheckModels(runtime.Models, at, problems);
            if (KeyRules.CheckPrefix(runtime.DefaultPrefix ?? "", out _) is { } prefixProblem)
            {
                problems.Add($"{at}.default_prefix '{runtime.DefaultPrefix}' {prefixProblem}");
            }

            if (runtime.QueueUrl is { } queueUrl && !IsHttpUrl(queueUrl))
            {
                problems.Add($"{at}.queue_url '{queueUrl}' must be an absolute http or https URL without credentials");
            }

            CheckBounds(runtime.Bounds, $"{at}.bounds", problems);
            if (runtime.ApiAuth is { } auth && (auth.IndexOf(':', StringComparison.Ordinal) <= 0 || auth.Any(char.IsControl)))
            {
                // The value itself is a secret: the message never repeats it.
                problems.Add($"{at}.api_auth must be \"user:password\", as SD Web UI's --api-auth takes it");
            }

            if (runtime.ApiAuthSecret is { } secret && (runtime.ApiAuth is not null || string.IsNullOrWhiteSpace(secret)))
            {
                problems.Add(runtime.ApiAuth is not null
                    ? $"{at} has both api_auth and api_auth_secret: give the credentials one way"
                    : $"{at}.api_auth_secret must name a Secrets Manager secret (its ARN or name)");
            }
        }

        return problems;
    }

    private static void CheckEndpoints(IReadOnlyList<string?>? endpoints, string at, List<string> problems)
    {
        if (endpoints is null)
        {
            problems.Add($"{at}.endpoints must be an array of URLs");
            return;
        }

        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            if (!IsHttpUrl(endpoint))
            {
                problems.Add($"{at}.endpoints[{i}] '{endpoint}' must be an absolute http or https URL without credentials");
            }
        }
    }

    private static bool IsHttpUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is ("http" or "https") && uri.Host.Length > 0 && uri.UserInfo.Length == 0;

    private static void CheckModels(IReadOnlyList<string?>? models, string at, List<string> problems)
    {
        if (models is null)
        {
            problems.Add($"{at}.models must be an array of checkpoint names");
            return;
        }

        for (var i = 0; i < models.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(models[i]))
            {
                problems.Add($"{at}.models[{i}] must be a checkpoint name");
            }
        }
    }

    private static void CheckBounds(GenerationBounds? bounds, string at, List<string> problems)
    {
        if (bounds is null)
        {
            problems.Add($"{at} must be an object");
            return;
        }

        if (bounds.MinSize < 1 || bounds.MinSize > bounds.MaxSize)
        {
            problems.Add($"{at}: min_size must be at least 1 and at most max_size");
        }

        if (bounds.SizeMultiple < 1)
        {
            problems.Add($"{at}.size_multiple must be at least 1");
        }

        if (bounds.MinSteps < 1 || bounds.MinSteps > bounds.MaxSteps)
        {
            problems.Add($"{at}: min_steps must be at least 1 and at most max_steps");
        }

        if (bounds.MaxImages < 1)
        {
            problems.Add($"{at}.max_images must be at least 1");
        }

        if (!(bounds.MaxMegapixelSteps >= 0))
        {
            problems.Add($"{at}.max_megapixel_steps must be 0 (no bound) or more");
        }

        if (!(bounds.MinCfgScale <= bounds.MaxCfgScale))
        {
            problems.Add($"{at}: min_cfg_scale must be at most max_cfg_scale");
        }

        if (!(bounds.MinDenoisingStrength <= bounds.MaxDenoisingStrength))
        {
            problems.Add($"{at}: min_denoising_strength must be at most max_denoising_strength");
        }
    }
}
