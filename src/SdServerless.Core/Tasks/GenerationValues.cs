using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>The bounded values a request sets, checked against its runtime's <see cref="GenerationBounds"/>.</summary>
internal sealed class GenerationValues
{
    /// <summary>SD Web UI's own default size, which a hires pass scales when width or height is not sent.</summary>
    private const double DefaultSize = 512;

    /// <summary>SD Web UI 1.10's steps and hr_scale when a request leaves them out.</summary>
    private const double DefaultSteps = 50;

    private const double DefaultHrScale = 2;

    /// <summary>The largest extras scale factor (SD Web UI's own slider stops at 8; each doubling quadruples the work).</summary>
    private const double MaxUpscale = 4;

    private readonly double?[] _values = new double?[Enum.GetValues<BoundedField>().Length];

    public void Set(BoundedField field, double value) => _values[(int)field] = value;

    public double? Get(BoundedField field) => _values[(int)field];

    /// <summary>enable_hr is true: the hires pass runs, and its work counts.</summary>
    public bool HiresEnabled { get; set; }

    public void Check(GenerationBounds bounds, TaskDraft draft, string path)
    {
        var errorsBefore = draft.Errors.Count;
        CheckSize(BoundedField.Width, "width", bounds, draft, path);
        CheckSize(BoundedField.Height, "height", bounds, draft, path);
        CheckRange(BoundedField.Steps, "steps", bounds.MinSteps, bounds.MaxSteps, draft, path);
        var batchOk = CheckRange(BoundedField.BatchSize, "batch_size", 1, bounds.MaxImages, draft, path);
        var iterOk = CheckRange(BoundedField.NIter, "n_iter", 1, bounds.MaxImages, draft, path);
        var images = (_values[(int)BoundedField.BatchSize] ?? 1) * (_values[(int)BoundedField.NIter] ?? 1);
        if (batchOk && iterOk && images > bounds.MaxImages)
        {
            draft.Error(path + "batch_size", $"batch_size × n_iter must be at most {bounds.MaxImages} (is {images})");
        }

        CheckHires(bounds, draft, path);
        if (draft.Errors.Count == errorsBefore)
        {
            CheckWork(bounds, draft, path);
        }

        CheckRange(BoundedField.UpscalingResize, "upscaling_resize", 0, MaxUpscale, draft, path);
        CheckRange(BoundedField.UpscalingResizeW, "upscaling_resize_w", 0, bounds.MaxSize * MaxUpscale, draft, path);
        CheckRange(BoundedField.UpscalingResizeH, "upscaling_resize_h", 0, bounds.MaxSize * MaxUpscale, draft, path);
        CheckRange(BoundedField.CfgScale, "cfg_scale", bounds.MinCfgScale, bounds.MaxCfgScale, draft, path);
        CheckRange(BoundedField.DenoisingStrength, "denoising_strength", bounds.MinDenoisingStrength, bounds.MaxDenoisingStrength, draft, path);
    }

    /// <summary>
    /// The hires pass renders width × hr_scale by height × hr_scale, or hr_resize_x by hr_resize_y when set, with
    /// hr_second_pass_steps steps: each must stay within the same bounds as a first pass.
    /// </summary>
    private void CheckHires(GenerationBounds bounds, TaskDraft draft, string path)
    {
        CheckRange(BoundedField.HrSecondPassSteps, "hr_second_pass_steps", 0, bounds.MaxSteps, draft, path);
        var resizeXOk = CheckRange(BoundedField.HrResizeX, "hr_resize_x", 0, bounds.MaxSize, draft, path);
        var resizeYOk = CheckRange(BoundedField.HrResizeY, "hr_resize_y", 0, bounds.MaxSize, draft, path);
        if (_values[(int)BoundedField.HrScale] is not { } scale || !resizeXOk || !resizeYOk || HiresResized)
        {
            return;
        }

        var (width, height) = HiresSize();
        if (scale < 0 || Math.Max(width, height) > bounds.MaxSize)
        {
            draft.Error(path + "hr_scale",
                $"renders {width:0.#} × {height:0.#} (width × hr_scale, height × hr_scale); each side must be at most {bounds.MaxSize}");
        }
    }

    /// <summary>
    /// Images × width × height × steps, plus the hires pass (hr_resize_x × hr_resize_y, or the size × hr_scale, at
    /// hr_second_pass_steps or else steps), against the runtime's megapixel-steps. SD Web UI's defaults fill what the
    /// request leaves out (512², 50 steps, hr_scale 2).
    /// </summary>
    private void CheckWork(GenerationBounds bounds, TaskDraft draft, string path)
    {
        if (bounds.MaxMegapixelSteps <= 0)
        {
            return;
        }

        var images = (_values[(int)BoundedField.BatchSize] ?? 1) * (_values[(int)BoundedField.NIter] ?? 1);
        var width = _values[(int)BoundedField.Width] ?? DefaultSize;
        var height = _values[(int)BoundedField.Height] ?? DefaultSize;
        var steps = _values[(int)BoundedField.Steps] ?? DefaultSteps;
        var work = images * width * height * steps / 1e6;
        if (HiresEnabled)
        {
            var (hrWidth, hrHeight) = HiresSize();
            var secondPass = _values[(int)BoundedField.HrSecondPassSteps] ?? 0;
            var hrSteps = secondPass > 0 ? secondPass : steps;
            work += images * hrWidth * hrHeight * hrSteps / 1e6;
        }

        if (work > bounds.MaxMegapixelSteps)
        {
            draft.Error(path + "steps",
                $"asks for {work:0} megapixel-steps (batch_size × n_iter × width × height × steps{(HiresEnabled ? ", plus the hires pass" : "")}, in millions); this runtime allows at most {bounds.MaxMegapixelSteps:0}, about what one GPU renders within a generation's deadline");
        }
    }

    /// <summary>hr_resize_x and hr_resize_y are both set: they, not hr_scale, size the hires pass.</summary>
    private bool HiresResized => _values[(int)BoundedField.HrResizeX] is > 0 && _values[(int)BoundedField.HrResizeY] is > 0;

    /// <summary>What the hires pass renders: hr_resize_x × hr_resize_y when both are set, else the size × hr_scale.</summary>
    private (double Width, double Height) HiresSize()
    {
        if (HiresResized)
        {
            return (_values[(int)BoundedField.HrResizeX]!.Value, _values[(int)BoundedField.HrResizeY]!.Value);
        }

        var scale = _values[(int)BoundedField.HrScale] ?? DefaultHrScale;
        return ((_values[(int)BoundedField.Width] ?? DefaultSize) * scale, (_values[(int)BoundedField.Height] ?? DefaultSize) * scale);
    }

    private void CheckSize(BoundedField field, string name, GenerationBounds bounds, TaskDraft draft, string path)
    {
        if (CheckRange(field, name, bounds.MinSize, bounds.MaxSize, draft, path)
            && _values[(int)field] is { } size
            && size % bounds.SizeMultiple != 0)
        {
            draft.Error(path + name, $"must be a multiple of {bounds.SizeMultiple}");
        }
    }

    /// <returns>False when the value is set and out of range (the error is then reported).</returns>
    private bool CheckRange(BoundedField field, string name, double min, double max, TaskDraft draft, string path)
    {
        if (_values[(int)field] is not { } value || (value >= min && value <= max))
        {
            return true;
        }

        draft.Error(path + name, $"must be between {min} and {max}");
        return false;
    }
}
