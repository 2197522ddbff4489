using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SdServerless.Core;
using SdServerless.Core.Pool;

namespace SdServerless.Aws.Pool;

/// <summary>
/// The pool registry every dispatcher invocation shares on AWS: one DynamoDB table laid out as docs/pool.md says.
/// A lease is a conditional PutItem on one slot (free, or its lease expired), so two dispatchers never hold the same
/// slot; a release deletes it only for its owner. Waiting polls with a backoff, since there is no shared waiter
/// queue; affinity follows <see cref="PoolRules"/>. The configured endpoints are entries too (never stale), their
/// leases kept in the table like any other's.
/// </summary>
/// <param name="client">The DynamoDB client (the function role's credentials on Lambda).</param>
/// <param name="tableName">The pool table (SDSERVERLESS_POOL_TABLE).</param>
/// <param name="fixedServers">The configured endpoints (<see cref="FixedPoolServers.From"/>).</param>
/// <param name="rules">Slots per server and which free server a task takes: the same rules as every other registry.</param>
/// <param name="clock">Heartbeats and lease times; null: the system clock. Polling waits run on real time.</param>
/// <param name="observed">Called with (runtime, registered GPUs, leased slots) after every read of a runtime's pool (metrics).</param>
public sealed class DynamoDbPoolRegistry(
    IAmazonDynamoDB client,
    string tableName,
    IEnumerable<PoolServer> fixedServers,
    PoolRules rules,
    TimeProvider? clock = null,
    Action<string, int, int>? observed = null)
    : IPoolRegistry
{
    private const string Service = "DynamoDB";
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The longest pause between reads while the runtime has servers: a slot freed on a busy pool waits at most this
    /// long for a polling dispatcher. One consistent read of a small partition costs a read unit, so a dispatcher
    /// waiting a minute spends a few hundred.
    /// </summary>
    private static readonly TimeSpan LongestPollWithServers = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause while no server is registered: one takes minutes to boot.</summary>
    private static readonly TimeSpan LongestPollWithoutServers = TimeSpan.FromSeconds(1);

    /// <summary>How long a task waits while only its checkpoint's share keeps it from an idle server, before it goes back.</summary>
    private static readonly TimeSpan HeldBackLimit = TimeSpan.FromSeconds(2);

    /// <summary>How long a waiter's item counts without renewal: a dispatcher that crashed holds no one back longer.</summary>
    private static readonly TimeSpan WaiterLifetime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls made beside the wait or the release (deleting a waiter's item, counting a release) are not bounded by the
    /// invocation's token, so they get their own bound.
    /// </summary>
    private static readonly TimeSpan SideCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a dispatcher's turn to switch a server to another checkpoint lasts (see <see cref="TryTakeSwitchTurnAsync"/>)
    /// when the dispatcher does not give it back (it crashed): a read and a lease take tens of milliseconds.
    /// </summary>
    private static readonly TimeSpan SwitchTurn = TimeSpan.FromSeconds(2);

    /// <summary>Slots lost to another dispatcher in a row before a caller that cannot wait gives up.</summary>
    private const int MaxConflicts = 8;

    private readonly IReadOnlyList<PoolServer> _fixed = [.. fixedServers.Select(s => s with { Fixed = true })];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Waiters this environment showed that got a lease: their items are deleted with the lease.</summary>
    private readonly ConcurrentDictionary<string, string> _shownWaiters = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public async Task RegisterAsync(PoolServer server, CancellationToken cancellationToken) =>
        await CallAsync(
            ct => client.PutItemAsync(new PutItemRequest { TableName = tableName, Item = PoolItems.ServerItem(server, _clock.GetUtcNow()) }, ct),
            cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> HeartbeatAsync(string runtime, string url, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var request = new UpdateItemRequest
        {
            TableName = tableName,
            Key = PoolItems.Key(runtime, PoolItems.ServerKey(url)),
            UpdateExpression = "SET #heartbeat = :heartbeat, #expires = :expires",
            ConditionExpression = "attribute_exists(#sk)",
            ExpressionAttributeNames = new() { ["#heartbeat"] = PoolItems.HeartbeatAt, ["#expires"] = PoolItems.ExpiresAt, ["#sk"] = PoolItems.SortKey },
            ExpressionAttributeValues = new()
            {
                [":heartbeat"] = PoolItems.N(now.ToUnixTimeSeconds()),
                [":expires"] = PoolItems.N((now + PoolItems.ServerRetention).ToUnixTimeSeconds()),
            },
        };
        return await ConditionalAsync(ct => client.UpdateItemAsync(request, ct), cancellationToken) || IsFixed(runtime, url);
    }

    /// <inheritdoc/>
    public async Task DeregisterAsync(string runtime, string url, CancellationToken cancellationToken) =>
        await CallAsync(
            ct => client.DeleteItemAsync(new DeleteItemRequest { TableName = tableName, Key = PoolItems.Key(runtime, PoolItems.ServerKey(url)) }, ct),
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PoolServer>> ServersAsync(string runtime, CancellationToken cancellationToken) =>
        (await ReadAsync(runtime, cancellationToken)).Servers;

    /// <inheritdoc/>
    public async Task<PoolLease?> AcquireAsync(LeaseRequest request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        var waiter = new WaiterView(this, request, owner);
        PoolLease? lease = null;
        try
        {
            lease = await WaitForSlotAsync(request, owner, maxWait, waiter, cancellationToken);
            return lease;
        }
        finally
        {
            if (waiter.Shown && lease is not null)
            {
                // Its lease names the same owner, so it no longer counts as waiting; the item goes with the lease.
                _shownWaiters[owner] = request.Runtime;
            }
            else if (waiter.Shown)
            {
                await HideWaiterAsync(request.Runtime, owner);
            }
        }
    }

    private async Task<PoolLease?> WaitForSlotAsync(LeaseRequest request, string owner, TimeSpan maxWait, WaiterView waiter, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPoll;
        var conflicts = 0;
        TimeSpan? heldBackSince = null;
        var switchTurn = false;
        while (true)
        {
            var pool = await ReadAsync(request.Runtime, cancellationToken);
            var waited = Stopwatch.GetElapsedTime(started);

            // Every dispatcher starting from the same server would fight over its slots: each starts somewhere else.
            var servers = pool.Servers.Where(s => request.MayUse(s.Url)).OrderBy(_ => Random.Shared.Next()).ToList();
            PoolServer? Choose(Func<string, double?>? demandShare, Func<string, long>? remaining) => rules.ChooseFree(
                servers, s => pool.Occupancy(s, rules), request.Model, model => pool.OthersWaiting(model, owner), waited >= rules.SwitchPatience, demandShare, remaining);
            var chosen = Choose(pool.DemandShare, pool.Remaining);
            if (chosen is not null && !switchTurn && pool.Occupancy(chosen, rules).Switches(request.Model))
            {
                // Two dispatchers judging a switch on the same read would each switch a server (an idle one, or one the
                // backlogs move), and could leave the checkpoint they leave without any: switches are judged one at a
                // time, on a read made after this dispatcher's turn began (and so after the switch before it was
                // written). Without the turn this task waits for a server of its own checkpoint, or the next read.
                if (await TryTakeSwitchTurnAsync(request.Runtime, owner, cancellationToken))
                {
                    switchTurn = true;
                    continue;
                }

                chosen = null;
            }

            PoolLease? lease = null;
            var tried = false;
            if (chosen is { } server && pool.FreeSlot(server, rules) is { } slot)
            {
                tried = true;
                lease = await TryLeaseAsync(request, owner, server, slot, cancellationToken);
            }

            if (switchTurn)
            {
                // The lease is written (or lost, or none was tried): the next switch may be judged on a read made from now on.
                await GiveBackSwitchTurnAsync(request.Runtime, owner);
                switchTurn = false;
            }

            if (lease is not null)
            {
                return lease;
            }

            // Another dispatcher took that slot first: read again at once, there may be others.
            if (tried && ++conflicts <= MaxConflicts)
            {
                continue;
            }

            if (maxWait != Timeout.InfiniteTimeSpan && waited >= maxWait)
            {
                return null;
            }

            // The dispatchers are bounded, so one that holds a task which cannot run now keeps the next task in the queue
            // away from any slot that task could take. Such a task goes back to the queue (as without a free server) and
            // its place goes to the next task there: at once when the rules say it gives way; after a while when only its
            // checkpoint's share keeps it from an idle server, so that the checkpoint's servers are not left without a
            // task to take their next slot.
            if (chosen is null && request.Model is { } model
                && rules.GivesWay([.. servers.Select(s => pool.Occupancy(s, rules))], model, pool.OlderWaiting(model, owner, waiter.Since), pool.DemandShare, pool.Remaining))
            {
                return null;
            }

            if (chosen is null && servers.Count > 0 && Choose(demandShare: null, remaining: pool.Remaining) is not null)
            {
                heldBackSince ??= waited;
                if (waited - heldBackSince >= HeldBackLimit)
                {
                    return null;
                }
            }
            else
            {
                heldBackSince = null;
            }

            // While servers could take it, the others should know what this task waits for, so that a server with its
            // checkpoint is left to it rather than switched away.
            if (pool.Servers.Count > 0)
            {
                await waiter.ShowAsync(cancellationToken);
            }

            var longest = pool.Servers.Count > 0 ? LongestPollWithServers : LongestPollWithoutServers;
            pause = pause < longest ? pause : longest;
            var remaining = maxWait == Timeout.InfiniteTimeSpan ? pause : maxWait - waited;
            await Task.Delay(pause < remaining ? pause : remaining, cancellationToken);
            pause = Backoff.Next(pause, longest);
            conflicts = 0;
        }
    }

    /// <summary>
    /// Takes the runtime's turn to switch a server to another checkpoint, for at most <see cref="SwitchTurn"/> (one
    /// conditional write); false while another dispatcher holds it. An unreachable table only costs this switch.
    /// </summary>
    private async Task<bool> TryTakeSwitchTurnAsync(string runtime, string owner, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var item = PoolItems.Key(runtime, PoolItems.SwitchKey);
        item[PoolItems.Owner] = PoolItems.S(owner);
        item[PoolItems.TurnExpiresAt] = PoolItems.N((now + SwitchTurn).ToUnixTimeMilliseconds());
        item[PoolItems.ExpiresAt] = PoolItems.N((now + PoolItems.LeaseRetention).ToUnixTimeSeconds());
        var put = new PutItemRequest
        {
            TableName = tableName,
            Item = item,
            ConditionExpression = "attribute_not_exists(#sk) OR #turn < :now",
            ExpressionAttributeNames = new() { ["#sk"] = PoolItems.SortKey, ["#turn"] = PoolItems.TurnExpiresAt },
            ExpressionAttributeValues = new() { [":now"] = PoolItems.N(now.ToUnixTimeMilliseconds()) },
        };
        try
        {
            return await ConditionalAsync(ct => client.PutItemAsync(put, ct), cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Ends this dispatcher's turn to switch a server (best effort: an item left behind expires by itself).</summary>
    private async Task GiveBackSwitchTurnAsync(string runtime, string owner)
    {
        var request = new DeleteItemRequest
        {
            TableName = tableName,
            Key = PoolItems.Key(runtime, PoolItems.SwitchKey),
            ConditionExpression = "#owner = :owner",
            ExpressionAttributeNames = new() { ["#owner"] = PoolItems.Owner },
            ExpressionAttributeValues = new() { [":owner"] = PoolItems.S(owner) },
        };
        try
        {
            using var bounded = new CancellationTokenSource(SideCallTimeout);
            await ConditionalAsync(ct => client.DeleteItemAsync(request, ct), bounded.Token);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // Its expiry ends the turn instead.
        }
    }

    /// <inheritdoc/>
    public async Task ReleaseAsync(PoolLease lease, CancellationToken cancellationToken)
    {
        var hiding = _shownWaiters.TryRemove(lease.Owner, out var runtime) ? HideWaiterAsync(runtime, lease.Owner) : Task.CompletedTask;
        var counting = CountReleaseAsync(lease);
        var request = new DeleteItemRequest
        {
            TableName = tableName,
            Key = PoolItems.Key(lease.Runtime, PoolItems.LeaseKey(lease.Url, lease.Slot)),
            ConditionExpression = "#owner = :owner",
            ExpressionAttributeNames = new() { ["#owner"] = PoolItems.Owner },
            ExpressionAttributeValues = new() { [":owner"] = PoolItems.S(lease.Owner) },
        };

        // False: the lease expired and another dispatcher holds the slot now; it is theirs to release.
        await ConditionalAsync(ct => client.DeleteItemAsync(request, ct), cancellationToken);
        await Task.WhenAll(hiding, counting);
    }

    /// <inheritdoc/>
    public async Task<bool> IsRunningAsync(PoolLease lease, CancellationToken cancellationToken) =>
        (await ReadAsync(lease.Runtime, cancellationToken)).IsRunning(lease);

    /// <summary>One more submission in this minute's count of the checkpoint (one UpdateItem; TTL removes it).</summary>
    public Task RecordDemandAsync(string runtime, string model, CancellationToken cancellationToken) =>
        CountAsync(runtime, model, PoolItems.Submitted, cancellationToken);

    /// <summary>Adds one to this minute's submitted or released count of a checkpoint.</summary>
    private async Task CountAsync(string runtime, string model, string counter, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        var request = new UpdateItemRequest
        {
            TableName = tableName,
            Key = PoolItems.Key(runtime, PoolItems.DemandKey(minute, model)),
            UpdateExpression = "SET #model = :model, #minute = :minute, #expires = :expires ADD #counter :one",
            ExpressionAttributeNames = new() { ["#model"] = PoolItems.Model, ["#minute"] = PoolItems.Minute, ["#expires"] = PoolItems.ExpiresAt, ["#counter"] = counter },
            ExpressionAttributeValues = new()
            {
                [":model"] = PoolItems.S(model),
                [":minute"] = PoolItems.N(minute),
                [":expires"] = PoolItems.N((now + PoolItems.DemandWindow + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds()),
                [":one"] = PoolItems.N(1),
            },
        };
        await CallAsync(ct => client.UpdateItemAsync(request, ct), cancellationToken);
    }

    /// <summary>A task of the checkpoint left the backlog: best effort, a count lost only skews the shares a little.</summary>
    private async Task CountReleaseAsync(PoolLease lease)
    {
        if (lease.Model is not { } model)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(SideCallTimeout);
            await CountAsync(lease.Runtime, model, PoolItems.Released, timeout.Token);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // The share drifts by one task until the item expires.
        }
    }

    /// <summary>Records what a server reported as loaded, unless the table already knows it from a lease.</summary>
    public async Task ObserveLoadedModelAsync(string runtime, string url, string model, CancellationToken cancellationToken) =>
        await SetLoadedModelAsync(runtime, url, model, onlyWhenUnknown: true, cancellationToken);

    private async Task<PoolLease?> TryLeaseAsync(LeaseRequest request, string owner, PoolServer server, int slot, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var lease = new PoolLease(request.Runtime, server.Url, slot, owner, request.TaskId, request.Model, now, now + request.Duration);
        var put = new PutItemRequest
        {
            TableName = tableName,
            Item = PoolItems.LeaseItem(lease),
            ConditionExpression = "attribute_not_exists(#sk) OR #expiry < :now",
            ExpressionAttributeNames = new() { ["#sk"] = PoolItems.SortKey, ["#expiry"] = PoolItems.LeaseExpiresAt },
            ExpressionAttributeValues = new() { [":now"] = PoolItems.N(now.ToUnixTimeMilliseconds()) },
        };
        if (!await ConditionalAsync(ct => client.PutItemAsync(put, ct), cancellationToken))
        {
            return null;
        }

        if (request.Model is { } model && model != server.LoadedModel)
        {
            try
            {
                // The request carries the checkpoint in override_settings: SD Web UI keeps it loaded afterwards.
                await SetLoadedModelAsync(request.Runtime, server.Url, model, onlyWhenUnknown: false, cancellationToken);
            }
            catch (DependencyUnavailableException)
            {
                // Not recording it only costs affinity; the lease is held and must reach its caller to be released.
            }
        }

        return lease;
    }

    /// <summary>
    /// A registered server's item is only updated while it exists (a deregistered server is not brought back); a
    /// configured endpoint gets an item holding its loaded model, kept a day after the last update.
    /// </summary>
    private async Task SetLoadedModelAsync(string runtime, string url, string model, bool onlyWhenUnknown, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string> { ["#loaded"] = PoolItems.LoadedModel };
        var values = new Dictionary<string, AttributeValue> { [":loaded"] = PoolItems.S(model) };
        var update = "SET #loaded = :loaded";
        List<string> conditions = onlyWhenUnknown ? ["attribute_not_exists(#loaded)"] : [];
        if (IsFixed(runtime, url))
        {
            update += ", #url = :url, #expires = :expires";
            names["#url"] = PoolItems.Url;
            names["#expires"] = PoolItems.ExpiresAt;
            values[":url"] = PoolItems.S(url);
            values[":expires"] = PoolItems.N((_clock.GetUtcNow() + PoolItems.LeaseRetention).ToUnixTimeSeconds());
        }
        else
        {
            conditions.Add("attribute_exists(#sk)");
            names["#sk"] = PoolItems.SortKey;
        }

        var request = new UpdateItemRequest
        {
            TableName = tableName,
            Key = PoolItems.Key(runtime, PoolItems.ServerKey(url)),
            UpdateExpression = update,
            ConditionExpression = conditions.Count > 0 ? string.Join(" AND ", conditions) : null,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
        await ConditionalAsync(ct => client.UpdateItemAsync(request, ct), cancellationToken);
    }

    private async Task<PoolSnapshot> ReadAsync(string runtime, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = tableName,
                ConsistentRead = true,
                KeyConditionExpression = "#runtime = :runtime",
                ExpressionAttributeNames = new() { ["#runtime"] = PoolItems.Runtime },
                ExpressionAttributeValues = new() { [":runtime"] = PoolItems.S(runtime) },
                ExclusiveStartKey = start,
            };
            var page = await CallAsync(ct => client.QueryAsync(request, ct), cancellationToken);
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        var snapshot = new PoolSnapshot(runtime, items, _fixed, _clock.GetUtcNow());
        observed?.Invoke(runtime, snapshot.RegisteredGpus, snapshot.LeasedSlots);
        return snapshot;
    }

    /// <summary>
    /// Removes a waiter's item; best effort and never cancelled with the invocation (it expires on its own, and until
    /// then only holds other tasks back from switching a server away from its checkpoint).
    /// </summary>
    private async Task HideWaiterAsync(string runtime, string owner)
    {
        try
        {
            using var timeout = new CancellationTokenSource(SideCallTimeout);
            await CallAsync(
                ct => client.DeleteItemAsync(new DeleteItemRequest { TableName = tableName, Key = PoolItems.Key(runtime, PoolItems.WaiterKey(owner)) }, ct),
                timeout.Token);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // It expires within WaiterLifetime.
        }
    }

    /// <summary>
    /// One dispatcher's entry among the waiters: written once it waits while servers exist, renewed before it expires
    /// (best effort: a waiter the others cannot see only loses them the hint).
    /// </summary>
    private sealed class WaiterView(DynamoDbPoolRegistry registry, LeaseRequest request, string owner)
    {
        private DateTimeOffset? _until;

        /// <summary>When the task began to wait: older waiters of a checkpoint get its next slots first.</summary>
        public DateTimeOffset Since { get; } = registry._clock.GetUtcNow();

        public bool Shown => _until is not null;

        public async Task ShowAsync(CancellationToken cancellationToken)
        {
            var now = registry._clock.GetUtcNow();
            if (request.Model is null || (_until is { } until && until - now > WaiterLifetime / 2))
            {
                return;
            }

            var item = PoolItems.WaiterItem(new PoolWaiter(request.Runtime, owner, request.TaskId, request.Model, Since, now + WaiterLifetime));
            try
            {
                await registry.PutAsync(item, cancellationToken);
                _until = now + WaiterLifetime;
            }
            catch (DependencyUnavailableException)
            {
                // The next poll tries again.
            }
        }
    }

    private async Task PutAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken) =>
        await CallAsync(ct => client.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item }, ct), cancellationToken);

    private bool IsFixed(string runtime, string url) => _fixed.Any(s => s.Runtime == runtime && s.Url == url);

    /// <summary>False when the write's condition did not hold.</summary>
    private static async Task<bool> ConditionalAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(call, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, () => call(cancellationToken), cancellationToken);
}
