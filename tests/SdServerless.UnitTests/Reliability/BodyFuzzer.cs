namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// Seeded generator of hostile request bodies: the documented examples with wrong types and extreme values at every field,
/// duplicate keys, byte flips, truncations, invalid UTF-8, deep nesting, random JSON and huge strings.
/// The same seed gives the same bodies, so a failure can be replayed.
/// </summary>
internal sealed class BodyFuzzer(int seed)
{
    public const string V2 = """
        {"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"image-to-image","prefix":"output","context":{"k":[1,"v"]},
        "callback_url":"https://hooks.example.com/done"},
        "content":{"alwayson_scripts":{"image_link":"https://images.example.com/cat.png"},"prompt":"cat wizard","negative_prompt":"",
        "steps":16,"width":512,"height":512,"batch_size":2,"n_iter":1,"cfg_scale":7,"denoising_strength":0.5,"seed":-1,
        "override_settings":{"sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors"}}}}
        """;

    public const string V1 = """
        {"alwayson_scripts":{"task":"image-to-image","image_link":"https://images.example.com/cat.png","id_task":"ID",
        "sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","save_dir":"output","callback_url":"https://hooks.example.com/done"},
        "prompt":"cat wizard","steps":16,"width":512,"height":512,"batch_size":1,"cfg_scale":7,"init_images":null}
        """;

    /// <summary>Raw JSON values put at fields: wrong types, extremes, traps and also valid values (so that some bodies pass).</summary>
    private static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "1e-400", "99999999999999999999", "-0", "512", "64", "2048",
        "2056", "8", "150", "151", "16", "17", "30.0001", "0.5", "1.0000001", "5e2", "512.0", "\"\"", "\"x\"", "\"512\"", "[]", "{}",
        "[1,\"a\",null]", "{\"args\":[1]}", "\"../../etc/passwd\"", "\"..\"", "\".\"", "\"a/b\"", "\"_sdserverless\"", "\"\\u0000\"",
        "\"\\ud800\"", "\"a\\r\\nX-Injected: 1\"", "\"text-to-image\"", "\"extra-single-image\"", "\"sdruntime\"",
        "\"https://127.0.0.1/x.png\"", "\"https://169.254.169.254/latest/meta-data/\"", "\"https://images.example.com/cat.png\"",
        "\"https://internal.example.net/x\"", "\"https://user:pw@images.example.com/x\"", "\"http://images.example.com/x\"",
        "\"data:image/png;base64,iVBORw0KGgo=\"", "\"iVBORw0KGgo=\"", "\"not base64 !\"", "\"file:///etc/passwd\"",
        "\"https://[::1]/\"", "\"https://2130706433/\"", "\"https://0x7f.1/\"", "\"output/sub\"", "\"v1-5-pruned-emaonly.safetensors\"",
    ];

    private static readonly string[] V2Paths =
    [
        "task", "task.metadata", "task.metadata.id", "task.metadata.runtime", "task.metadata.tasktype", "task.metadata.prefix",
        "task.metadata.context", "task.metadata.callback_url", "task.content", "task.content.alwayson_scripts",
        "task.content.alwayson_scripts.image_link", "task.content.alwayson_scripts.extra", "task.content.prompt", "task.content.steps",
        "task.content.width", "task.content.height", "task.content.batch_size", "task.content.n_iter", "task.content.cfg_scale",
        "task.content.denoising_strength", "task.content.seed", "task.content.init_images", "task.content.image", "task.content.mask",
        "task.content.override_settings", "task.content.override_settings.sd_model_checkpoint", "task.content.send_images",
    ];

    private static readonly string[] V1Paths =
    [
        "alwayson_scripts", "alwayson_scripts.task", "alwayson_scripts.image_link", "alwayson_scripts.id_task",
        "alwayson_scripts.sd_model_checkpoint", "alwayson_scripts.save_dir", "alwayson_scripts.callback_url", "prompt", "steps",
        "width", "height", "batch_size", "n_iter", "cfg_scale", "denoising_strength", "init_images", "image",
    ];

    private readonly Random _random = new(seed);

    /// <summary>The route (/v1alpha1 or /v1alpha2), the body, and what kind of mutation made it.</summary>
    public (string Path, byte[] Body, string Kind) Next(int number)
    {
        var v1 = _random.Next(4) == 0;
        var template = (v1 ? V1 : V2).Replace("\"ID\"", $"\"fz-{number}\"", StringComparison.Ordinal);
        var path = v1 ? "/v1alpha1" : "/v1alpha2";
        var roll = _random.Next(100);
        return roll switch
        {
            < 45 => (path, Utf8(Structural(template, v1 ? V1Paths : V2Paths)), "wrong value at a field"),
            < 50 => (path, Utf8(DuplicateKey(template, v1)), "duplicate key"),
            < 68 => (path, FlipBytes(Utf8(template)), "byte mutation"),
            < 78 => (path, Utf8(template)[.._random.Next(template.Length)], "truncation"),
            < 84 => (path, InvalidUtf8(Utf8(template)), "invalid UTF-8"),
            < 94 => (path, Utf8(RandomJson(0)), "random JSON"),
            _ => (path, Utf8(DeepNesting(template, v1)), "deep nesting"),
        };
    }

    /// <summary>One huge string at a field: <paramref name="megabytes"/> of 'a' in the prompt.</summary>
    public static byte[] HugePrompt(int number, int megabytes) =>
        Utf8(V2.Replace("\"ID\"", $"\"fz-huge-{number}\"", StringComparison.Ordinal)
            .Replace("\"cat wizard\"", "\"" + new string('a', megabytes * 1024 * 1024) + "\"", StringComparison.Ordinal));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private string Structural(string template, string[] paths)
    {
        var root = JsonNode.Parse(template)!.AsObject();
        var raw = new Dictionary<string, string>();
        for (var i = 0; i < 1 + _random.Next(3); i++)
        {
            var fieldPath = paths[_random.Next(paths.Length)].Split('.');
            var parent = root;
            foreach (var segment in fieldPath[..^1])
            {
                if (parent[segment] is not JsonObject child)
                {
                    child = [];
                    parent[segment] = child;
                }

                parent = child;
            }

            if (_random.Next(8) == 0)
            {
                parent.Remove(fieldPath[^1]);
                continue;
            }

            var token = $"@@T{i}@@";
            raw[token] = Values[_random.Next(Values.Length)];
            parent[fieldPath[^1]] = token;
        }

        var text = root.ToJsonString();
        foreach (var (token, value) in raw)
        {
            text = text.Replace($"\"{token}\"", value, StringComparison.Ordinal);
        }

        return text;
    }

    private string DuplicateKey(string template, bool v1)
    {
        var (anchor, key) = v1 ? ("{\"alwayson_scripts\":{", "id_task") : ("\"metadata\":{", _random.Next(2) == 0 ? "id" : "runtime");
        return template.Replace(anchor, $"{anchor}\"{key}\":\"other\",", StringComparison.Ordinal);
    }

    private byte[] FlipBytes(byte[] body)
    {
        var bytes = new List<byte>(body);
        for (var i = 0; i < 1 + _random.Next(8); i++)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(3))
            {
                case 0: bytes[at] = (byte)_random.Next(256); break;
                case 1: bytes.Insert(at, (byte)_random.Next(256)); break;
                default: bytes.RemoveAt(at); break;
            }
        }

        return [.. bytes];
    }

    private byte[] InvalidUtf8(byte[] body)
    {
        byte[][] sequences = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
        var at = Array.IndexOf(body, (byte)'w'); // inside "cat wizard"
        var sequence = sequences[_random.Next(sequences.Length)];
        return [.. body[..at], .. sequence, .. body[at..]];
    }

    private string RandomJson(int depth)
    {
        var pick = depth > 5 ? _random.Next(4) : _random.Next(7);
        switch (pick)
        {
            case 0: return Values[_random.Next(Values.Length)];
            case 1: return _random.Next(-100000, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 2: return "\"" + new string((char)('a' + _random.Next(26)), _random.Next(20)) + "\"";
            case 3: return "null";
            case 4 or 5:
                var keys = new[] { "task", "metadata", "content", "id", "runtime", "tasktype", "prompt", "steps", "alwayson_scripts", "id_task", "x" };
                var members = Enumerable.Range(0, _random.Next(6)).Select(_ => $"\"{keys[_random.Next(keys.Length)]}\":{RandomJson(depth + 1)}");
                return "{" + string.Join(",", members) + "}";
            default:
                return "[" + string.Join(",", Enumerable.Range(0, _random.Next(5)).Select(_ => RandomJson(depth + 1))) + "]";
        }
    }

    private string DeepNesting(string template, bool v1)
    {
        var depth = _random.Next(2) == 0 ? 60 + _random.Next(10) : 1000 + _random.Next(100000);
        var (open, close) = _random.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        if (_random.Next(3) == 0)
        {
            return nested;
        }

        return v1
            ? template.Replace("\"prompt\":\"cat wizard\"", "\"prompt\":\"cat wizard\",\"styles\":" + nested, StringComparison.Ordinal)
            : template.Replace("{\"k\":[1,\"v\"]}", nested, StringComparison.Ordinal);
    }
}
