using Microsoft.Extensions.Logging;
using SdServerless.Lambda.Logging;

namespace SdServerless.UnitTests.Lambda;

public class JsonLoggerTests
{
    private readonly MemoryStream _output = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 30, 0, TimeSpan.Zero));
    private readonly ILoggerFactory _factory;

    public JsonLoggerTests() => _factory = LoggerFactory.Create(builder =>
        builder.SetMinimumLevel(LogLevel.Information).AddProvider(new JsonLoggerProvider(new JsonLineWriter(_output), _time)));

    [Fact]
    public void EventIsOneJsonLineWithRequestIdFromTheScopeAndTaskIdFromTheTemplate()
    {
        var logger = _factory.CreateLogger("Dispatch");
        using (logger.BeginScope("Invocation {RequestId}", "req-42"))
        {
            logger.LogInformation("Task {TaskId} took {Attempts} attempts", "test-i2i", 2);
        }

        var line = Assert.Single(Lines());
        Assert.Equal("2026-11-24T12:30:00Z", line.GetProperty("timestamp").GetString());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("Task test-i2i took 2 attempts", line.GetProperty("message").GetString());
        Assert.Equal("Dispatch", line.GetProperty("category").GetString());
        Assert.Equal("req-42", line.GetProperty("requestId").GetString());
        Assert.Equal("test-i2i", line.GetProperty("taskId").GetString());
        Assert.Equal(2, line.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public void ExceptionIsWrittenAndMessagesWithQuotesAndNewlinesStayOneLine()
    {
        var logger = _factory.CreateLogger("Api");
        logger.LogError(new InvalidOperationException("bad\nthing"), "Failed \"{What}\"\nbadly", "x");

        var text = Encoding.UTF8.GetString(_output.ToArray());
        Assert.Equal(1, text.Count(c => c == '\n'));
        var line = Assert.Single(Lines());
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal("Failed \"x\"\nbadly", line.GetProperty("message").GetString());
        Assert.Contains("InvalidOperationException: bad", line.GetProperty("exception").GetString());
    }

    [Fact]
    public void EventsBelowTheMinimumLevelAreNotWritten()
    {
        _factory.CreateLogger("Api").LogDebug("Noise {TaskId}", "t");

        Assert.Empty(Lines());
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData(null, LogLevel.Information)]
    public void LambdaLogLevelNamesMapToLoggingLevels(string? lambdaLevel, LogLevel expected) =>
        Assert.Equal(expected, LambdaLogging.ParseLevel(lambdaLevel));

    [Theory]
    [InlineData(LogLevel.Trace, "TRACE")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARN")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "FATAL")]
    public void EachLineCarriesItsLevelUnderTheNameLambdasLogFilterReads(LogLevel level, string lambdaName)
    {
        using var factory = LoggerFactory.Create(builder =>
            builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new JsonLoggerProvider(new JsonLineWriter(_output), _time)));

        factory.CreateLogger("Api").Log(level, "Task {TaskId}", "t");

        var line = Assert.Single(Lines());
        Assert.Equal(lambdaName, line.GetProperty("level").GetString());
        Assert.Equal(level, LambdaLogging.ParseLevel(lambdaName));
    }

    private List<JsonElement> Lines() =>
        [.. Encoding.UTF8.GetString(_output.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)];
}
