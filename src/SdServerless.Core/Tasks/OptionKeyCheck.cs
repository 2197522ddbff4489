using SdServerless.Core.SdWebUi;

namespace SdServerless.Core.Tasks;

/// <summary>
/// override_settings may name only settings the runtime's servers know: SD Web UI sets each through opts.set, and an
/// unknown key fails the whole generation (500, KeyError) after it waited for a GPU.
/// </summary>
internal static class OptionKeyCheck
{
    public static void Check(TaskDraft draft, string key, string field)
    {
        if (draft.Runtime is not { } runtime || key == SdWebUiFields.ModelSetting)
        {
            return;
        }

        var known = runtime.OptionKeys is { } listed ? listed.Contains(key, StringComparer.Ordinal) : SdWebUiDefaults.OptionKeys.Contains(key);
        if (!known)
        {
            draft.Error(field, $"is not a setting of SD Web UI on runtime '{runtime.Name}' (it would fail with KeyError '{key}'); " +
                "the settings are those its servers published when they joined the pool, those listed in its option_keys, or else SD Web UI 1.10's");
        }
    }
}
