using System.Globalization;
using SdServerless.Local.Queueing;

// A child process for the crash tests: it works on a queue directory and prints what it has done, line by line,
// so that the test can SIGKILL it at a known point and check what survived.
//   queue-send DIR N   sends N messages "message-<i>" from 8 concurrent senders; prints "sent <i> <id>" as soon as
//                      each send returned, then "done" and waits to be killed.
//   queue-hold DIR N   receives N messages with a one-hour lease, prints "held <id>" for each, then "done" and waits.
if (args.Length != 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count))
{
    Console.Error.WriteLine("usage: SdServerless.TestProbe queue-send|queue-hold DIR N");
    return 2;
}

var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var gate = new Lock();
void Say(string line)
{
    lock (gate)
    {
        output.WriteLine(line);
    }
}

await using var queue = FileTaskQueue.Open(args[1], new FileTaskQueueOptions { MaxReceiveCount = 5 });
switch (args[0])
{
    case "queue-send":
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= count)
            {
                var id = await queue.SendAsync($"message-{i}", TimeSpan.Zero, default);
                Say($"sent {i} {id}");
            }
        })));
        break;
    case "queue-hold":
        var held = 0;
        while (held < count)
        {
            foreach (var message in await queue.ReceiveAsync(count - held, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5), default))
            {
                Say($"held {message.MessageId}");
                held++;
            }
        }

        break;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

Say("done");
await Task.Delay(Timeout.Infinite);
return 0;
