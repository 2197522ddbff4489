namespace SdServerless.Benchmarks.Harness;

/// <summary>Prints the figures as a table and writes the whole report as JSON.</summary>
public static class ReportWriter
{
    public static string Table(IEnumerable<ScenarioResult> results)
    {
        var rows = results.SelectMany(r => r.Metrics.Select(m => new[]
        {
            r.Scenario,
            r.Variant,
            m.Name,
            m.Value.ToString(Math.Abs(m.Value) >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture),
            m.Unit,
            m.Goal is null ? "" : $"{m.Goal} {(m.GoalMet == true ? "met" : "MISSED")}",
        })).ToList();
        string[] header = ["scenario", "variant", "figure", "value", "unit", "goal"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        Line(header);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (var row in rows)
        {
            Line(row);
        }

        return text.ToString();

        void Line(string[] cells) => text.AppendLine(string.Join(" | ", cells.Select((c, i) => i == 3 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
    }

    public static async Task WriteJsonAsync(BenchmarkReport report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, BenchmarkJsonContext.Default.BenchmarkReport);
    }
}
