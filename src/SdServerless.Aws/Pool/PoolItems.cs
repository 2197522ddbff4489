using System.Globalization;
using Amazon.DynamoDBv2.Model;
using SdServerless.Core.Pool;

namespace SdServerless.Aws.Pool;

/// <summary>
/// The pool table's items (see docs/pool.md): a runtime's servers and leases share its partition, so one consistent
/// Query reads its whole pool. Server items carry Unix seconds, lease items Unix milliseconds (a lease is short).
/// </summary>
internal static class PoolItems
{
    public const string Runtime = "runtime";
    public const string SortKey = "sk";
    public const string Url = "url";
    public const string Gpus = "gpus";
    public const string LoadedModel = "loaded_model";
    public const string Models = "models";
    public const string OptionKeys = "option_keys";
    public const string InstanceId = "instance_id";
    public const string RegisteredAt = "registered_at";
    public const string HeartbeatAt = "heartbeat_at";
    public const string ExpiresAt = "expires_at";
    public const string Slot = "slot";
    public const string Owner = "owner";
    public const string TaskId = "task_id";
    public const string Model = "model";
    public const string AcquiredAt = "acquired_at";
    public const string LeaseExpiresAt = "lease_expires_at";
    public const string WaitingSince = "waiting_since";
    public const string Minute = "minute";
    public const string Submitted = "submitted";
    public const string Released = "released";
    public const string WaitExpiresAt = "wait_expires_at";

    public const string ServerPrefix = "server#";
    public const string LeasePrefix = "lease#";
    public const string WaiterPrefix = "wait#";
    public const string DemandPrefix = "demand#";

    /// <summary>
    /// The one item per runtime a dispatcher holds while it switches a server to another checkpoint: switches are
    /// judged one at a time (see <see cref="DynamoDbPoolRegistry"/>).
    /// </summary>
    public const string SwitchKey = "switch";

    /// <summary>Until when the switching turn is held (Unix milliseconds).</summary>
    public const string TurnExpiresAt = "turn_expires_at";

    /// <summary>How far back submissions and releases per checkpoint are counted (see <see cref="PoolSnapshot.DemandShare"/>).</summary>
    public static readonly TimeSpan DemandWindow = TimeSpan.FromMinutes(15);

    /// <summary>A server that stopped heart-beating leaves the table on its own (TTL), long after it went stale.</summary>
    public static readonly TimeSpan ServerRetention = TimeSpan.FromMinutes(10);

    /// <summary>An expired lease stays a day for diagnostics, then TTL removes it.</summary>
    public static readonly TimeSpan LeaseRetention = TimeSpan.FromDays(1);

    public static string ServerKey(string url) => ServerPrefix + url;

    public static string LeaseKey(string url, int slot) => $"{LeasePrefix}{url}#{slot.ToString(CultureInfo.InvariantCulture)}";

    public static Dictionary<string, AttributeValue> Key(string runtime, string sortKey) => new()
    {
        [Runtime] = S(runtime),
        [SortKey] = S(sortKey),
    };

    public static Dictionary<string, AttributeValue> ServerItem(PoolServer server, DateTimeOffset now)
    {
        var item = Key(server.Runtime, ServerKey(server.Url));
        item[Url] = S(server.Url);
        item[Gpus] = N(Math.Max(1, server.Gpus));
        item[RegisteredAt] = N(now.ToUnixTimeSeconds());
        item[HeartbeatAt] = N(now.ToUnixTimeSeconds());
        item[ExpiresAt] = N((now + ServerRetention).ToUnixTimeSeconds());
        if (server.LoadedModel is { } loaded)
        {
            item[LoadedModel] = S(loaded);
        }

        if (server.Models.Count > 0)
        {
            item[Models] = new AttributeValue { L = [.. server.Models.Select(S)] };
        }

        if (server.OptionKeys.Count > 0)
        {
            item[OptionKeys] = new AttributeValue { L = [.. server.OptionKeys.Select(S)] };
        }

        if (server.InstanceId is { } instance)
        {
            item[InstanceId] = S(instance);
        }

        return item;
    }

    /// <summary>A server item as written by a server; one that only records a fixed endpoint's model has no gpus.</summary>
    public static PoolServer ToServer(string runtime, Dictionary<string, AttributeValue> item) => new()
    {
        Runtime = runtime,
        Url = String(item, Url) ?? item[SortKey].S[ServerPrefix.Length..],
        Gpus = (int)(Number(item, Gpus) ?? 1),
        LoadedModel = String(item, LoadedModel),
        Models = Strings(item, Models),
        OptionKeys = Strings(item, OptionKeys),
        InstanceId = String(item, InstanceId),
        HeartbeatAt = DateTimeOffset.FromUnixTimeSeconds(Number(item, HeartbeatAt) ?? 0),
    };

    public static Dictionary<string, AttributeValue> LeaseItem(PoolLease lease)
    {
        var item = Key(lease.Runtime, LeaseKey(lease.Url, lease.Slot));
        item[Url] = S(lease.Url);
        item[Slot] = N(lease.Slot);
        item[Owner] = S(lease.Owner);
        item[TaskId] = S(lease.TaskId);
        item[AcquiredAt] = N(lease.AcquiredAt.ToUnixTimeMilliseconds());
        item[LeaseExpiresAt] = N(lease.ExpiresAt.ToUnixTimeMilliseconds());
        item[ExpiresAt] = N((lease.ExpiresAt + LeaseRetention).ToUnixTimeSeconds());
        if (lease.Model is { } model)
        {
            item[Model] = S(model);
        }

        return item;
    }

    public static PoolLease ToLease(string runtime, Dictionary<string, AttributeValue> item) => new(
        runtime,
        String(item, Url) ?? "",
        (int)(Number(item, Slot) ?? 0),
        String(item, Owner) ?? "",
        String(item, TaskId) ?? "",
        String(item, Model),
        DateTimeOffset.FromUnixTimeMilliseconds(Number(item, AcquiredAt) ?? 0),
        DateTimeOffset.FromUnixTimeMilliseconds(Number(item, LeaseExpiresAt) ?? 0));

    public static string WaiterKey(string owner) => WaiterPrefix + owner;

    /// <summary>The submissions and lease releases of one checkpoint in one minute (Unix minutes): one item, gone with TTL.</summary>
    public static string DemandKey(long minute, string model) => $"{DemandPrefix}{minute.ToString(CultureInfo.InvariantCulture)}#{model}";

    public static (long Minute, string Model, long Submitted, long Released) ToDemand(Dictionary<string, AttributeValue> item) =>
        (Number(item, Minute) ?? 0, String(item, Model) ?? "", Number(item, Submitted) ?? 0, Number(item, Released) ?? 0);

    /// <summary>A task waiting for a slot: the checkpoint it wants, until when it counts (its holder renews it).</summary>
    public static Dictionary<string, AttributeValue> WaiterItem(PoolWaiter waiter)
    {
        var item = Key(waiter.Runtime, WaiterKey(waiter.Owner));
        item[Owner] = S(waiter.Owner);
        item[TaskId] = S(waiter.TaskId);
        item[WaitingSince] = N(waiter.Since.ToUnixTimeMilliseconds());
        item[WaitExpiresAt] = N(waiter.ExpiresAt.ToUnixTimeMilliseconds());
        item[ExpiresAt] = N((waiter.ExpiresAt + LeaseRetention).ToUnixTimeSeconds());
        if (waiter.Model is { } model)
        {
            item[Model] = S(model);
        }

        return item;
    }

    public static PoolWaiter ToWaiter(string runtime, Dictionary<string, AttributeValue> item) => new(
        runtime,
        String(item, Owner) ?? item[SortKey].S[WaiterPrefix.Length..],
        String(item, TaskId) ?? "",
        String(item, Model),
        DateTimeOffset.FromUnixTimeMilliseconds(Number(item, WaitingSince) ?? 0),
        DateTimeOffset.FromUnixTimeMilliseconds(Number(item, WaitExpiresAt) ?? 0));

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string? String(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static long? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static IReadOnlyList<string> Strings(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.L is { } list ? [.. list.Where(v => v.S is not null).Select(v => v.S)] : [];
}
