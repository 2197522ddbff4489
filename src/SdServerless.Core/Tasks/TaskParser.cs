using System.Text.Json;
using System.Text.Unicode;
using SdServerless.Core.Net;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Turns a v1alpha1 or v1alpha2 request body into one canonical <see cref="SdTask"/>, or lists every reason it
/// cannot (docs/api.md, "Validation"). Never throws for anything a client can send.
/// </summary>
/// <param name="catalogs">The runtimes a request is checked against, as they stand now (see the other constructor for a fixed set).</param>
/// <param name="urlPolicy">Checks the URLs a request names (inputs, callback), in DNS as well.</param>
public sealed class TaskParser(Func<CancellationToken, ValueTask<RuntimeCatalog>> catalogs, UrlPolicy urlPolicy)
{
    /// <summary>A parser for a fixed set of runtimes (tests, and hosts whose configuration never changes).</summary>
    /// <param name="catalog">The runtimes a request is checked against.</param>
    /// <param name="urlPolicy">Checks the URLs a request names (inputs, callback), in DNS as well.</param>
    public TaskParser(RuntimeCatalog catalog, UrlPolicy urlPolicy)
        : this(_ => ValueTask.FromResult(catalog), urlPolicy)
    {
    }

    /// <summary>Deep enough for any real request; deeper bodies are refused before they cost anything.</summary>
    public const int MaxDepth = 64;

    private const string BrokenEscape = "the body is not valid JSON: a \\u escape encodes half of a UTF-16 surrogate pair";

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        // The documented examples carry // annotations and a trailing comma.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = MaxDepth,

        // One key twice could mean one thing to us and another to SD Web UI.
        AllowDuplicateProperties = false,
    };

    /// <param name="utf8Body">The request body; it is copied, so the caller may reuse its buffer.</param>
    /// <param name="apiVersion"><see cref="ApiVersion.V1Alpha1"/> or <see cref="ApiVersion.V1Alpha2"/>.</param>
    /// <param name="ct">Cancels the DNS checks of the request's URLs.</param>
    /// <exception cref="ArgumentException">An unknown <paramref name="apiVersion"/> (a routing bug, not a client error).</exception>
    public async Task<TaskParseResult> ParseAsync(ReadOnlyMemory<byte> utf8Body, string apiVersion, CancellationToken ct)
    {
        if (!ApiVersion.IsKnown(apiVersion))
        {
            throw new ArgumentException($"Unknown API version '{apiVersion}'.", nameof(apiVersion));
        }

        if (Read(utf8Body.Span, out var root) is { } malformed)
        {
            return TaskParseResult.Malformed(malformed);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return TaskParseResult.Invalid([new("body", "the body must be a JSON object")]);
        }

        // Hashing decodes every string and property name, so a \u escape that is not valid UTF-16 (a lone surrogate),
        // which the reader accepts but cannot turn into a string, is refused here before any field read throws on it.
        string requestHash;
        try
        {
            requestHash = RequestHash.Compute(root);
        }
        catch (InvalidOperationException)
        {
            return TaskParseResult.Malformed("the body is not valid JSON: a \\u escape is not valid UTF-16 (a lone surrogate)");
        }

        var catalog = await catalogs(ct);
        var draft = new TaskDraft(apiVersion);
        if (apiVersion == ApiVersion.V1Alpha1)
        {
            V1Alpha1Reader.Read(root, draft, catalog);
        }
        else
        {
            V1Alpha2Reader.Read(root, draft, catalog);
        }

        // At most a handful (the URL inputs are bounded, plus a callback): checked at once, so the whole check takes
        // one resolver timeout at worst, not one per URL.
        var checks = draft.UrlChecks.Select(async check => (check.Field, Problem: await urlPolicy.CheckAsync(check.Url, ct))).ToList();
        foreach (var (field, problem) in await Task.WhenAll(checks))
        {
            if (problem is not null)
            {
                draft.Error(field, problem);
            }
        }

        return draft.Errors.Count > 0
            ? TaskParseResult.Invalid(draft.Errors)
            : TaskParseResult.Valid(draft.ToTask(), requestHash);
    }

    /// <returns>null and the root element, or why the body is not JSON.</returns>
    private static string? Read(ReadOnlySpan<byte> utf8Body, out JsonElement root)
    {
        root = default;

        // The reader leaves strings unchecked until they are read; checking here keeps every later read safe.
        if (!Utf8.IsValid(utf8Body))
        {
            return "the body is not valid UTF-8";
        }

        // Some Windows tools prefix a byte order mark; it carries no meaning in UTF-8.
        if (utf8Body.StartsWith("\uFEFF"u8))
        {
            utf8Body = utf8Body[3..];
        }

        try
        {
            root = JsonElement.Parse(utf8Body, JsonOptions);
            return EscapeCheck.HasUnpairedSurrogate(utf8Body, root)
                ? BrokenEscape
                : null;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check reads names, and so meets a broken escape in a name first.
            return BrokenEscape;
        }
        catch (JsonException e) when (NestsTooDeep(utf8Body))
        {
            return $"the body nests objects and arrays deeper than {MaxDepth} levels (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})";
        }
        catch (JsonException e)
        {
            return e.LineNumber is { } line
                ? $"the body is not valid JSON (line {line + 1}, position {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"
                : $"the body is not valid JSON: {e.Message}";
        }
    }

    /// <summary>Tells a depth failure from a syntax one (only on the error path), for a clearer message.</summary>
    private static bool NestsTooDeep(ReadOnlySpan<byte> utf8Body)
    {
        var reader = new Utf8JsonReader(utf8Body, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth + 1,
        });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= MaxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error before the limit.
        }

        return false;
    }

    /// <summary>The reader's message without its own "LineNumber: 0 | BytePositionInLine: 5." tail (0-based).</summary>
    private static string FirstSentence(string message)
    {
        var tail = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return tail > 0 ? message[..tail] : message;
    }
}
