using System.Globalization;

namespace SdServerless.Benchmarks.Harness;

/// <summary>The command line: <c>&lt;scenario|all&gt; [--quick] [--repeat N] [--requests-ahead N] [--image-side N] [--out FILE]</c>.</summary>
public sealed class RunOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/SdServerless.Benchmarks -- <scenario|all> [--quick] [--repeat N] [--requests-ahead N] [--image-side N] [--out FILE]

          scenarios: saturation, scaling, affinity, large-outputs, micro, cold-start, aws-pool (all: every one, in this order)
          --quick     smaller runs (the whole "all --quick" takes a few minutes)
          --repeat N  run each scenario N times (the table shows every run, to show the spread)
          --image-side N  saturation and scaling: width and height of the images (default 512; 64 shows the
                      control plane's own cost with almost no image bytes to encode, move and store)
          --out FILE  where the JSON goes (default artifacts/benchmarks/results.json)
          --requests-ahead N  saturation and scaling: requests queued at the server per GPU (default: the local
                      host's, 1; 0 reproduces the dispatcher before that change)
        """;

    public static readonly string[] Scenarios = ["saturation", "scaling", "affinity", "large-outputs", "micro", "cold-start", "interrupt", "aws-pool"];

    public List<string> Selected { get; } = [];

    public bool Quick { get; private set; }

    public int Repeat { get; private set; } = 1;

    public int? RequestsAhead { get; private set; }

    public int ImageSide { get; private set; } = 512;

    public string Out { get; private set; } = Path.Combine("artifacts", "benchmarks", "results.json");

    public static RunOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new RunOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    options.Quick = true;
                    break;
                case "--repeat" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var repeat) && repeat >= 1:
                    options.Repeat = repeat;
                    i++;
                    break;
                case "--requests-ahead" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ahead):
                    options.RequestsAhead = ahead;
                    i++;
                    break;
                case "--image-side" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var side) && side >= 64 && side % 8 == 0:
                    options.ImageSide = side;
                    i++;
                    break;
                case "--out" when i + 1 < args.Count:
                    options.Out = args[++i];
                    break;
                case "all":
                    options.Selected.AddRange(Scenarios);
                    break;
                case var name when Scenarios.Contains(name):
                    options.Selected.Add(name);
                    break;
                default:
                    error = $"unknown argument '{args[i]}'";
                    return null;
            }
        }

        if (options.Selected.Count == 0)
        {
            error = "name a scenario or all";
            return null;
        }

        return options;
    }
}
