using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>The bounded values a request sets, checked against its runtime's <see cref="GenerationBounds"/>.</summary>
internal sealed class GenerationValues
{
    private readonly double?[] values = new double?[(int)BoundedField.DenoisingStrength + 1];

    public void Set(BoundedField field, double value) => values[(int)field] = value;

    public double? Get(BoundedField field) => values[(int)field];

    public void Check(GenerationBounds bounds, TaskDraft draft, string path)
    {
        CheckSize(BoundedField.Width, "width", bounds, draft, path);
        CheckSize(BoundedField.Height, "height", bounds, draft, path);
        CheckRange(BoundedField.Steps, "steps", bounds.MinSteps, bounds.MaxSteps, draft, path);
        var batchOk = CheckRange(BoundedField.BatchSize, "batch_size", 1, bounds.MaxImages, draft, path);
        var iterOk = CheckRange(BoundedField.NIter, "n_iter", 1, bounds.MaxImages, draft, path);
        var images = (values[(int)BoundedField.BatchSize] ?? 1) * (values[(int)BoundedField.NIter] ?? 1);
        if (batchOk && iterOk && images > bounds.MaxImages)
        {
            draft.Error(path + "batch_size", $"batch_size × n_iter must be at most {bounds.MaxImages} (is {images})");
        }

        CheckRange(BoundedField.CfgScale, "cfg_scale", bounds.MinCfgScale, bounds.MaxCfgScale, draft, path);
        CheckRange(BoundedField.DenoisingStrength, "denoising_strength", bounds.MinDenoisingStrength, bounds.MaxDenoisingStrength, draft, path);
    }

    private void CheckSize(BoundedField field, string name, GenerationBounds bounds, TaskDraft draft, string path)
    {
        if (CheckRange(field, name, bounds.MinSize, bounds.MaxSize, draft, path)
            && values[(int)field] is { } size
            && size % bounds.SizeMultiple != 0)
        {
            draft.Error(path + name, $"must be a multiple of {bounds.SizeMultiple}");
        }
    }

    /// <returns>False when the value is set and out of range (the error is then reported).</returns>
    private bool CheckRange(BoundedField field, string name, double min, double max, TaskDraft draft, string path)
    {
        if (values[(int)field] is not { } value || (value >= min && value <= max))
        {
            return true;
        }

        draft.Error(path + name, $"must be between {min} and {max}");
        return false;
    }
}
