namespace SdServerless.Emulator.Api;

/// <summary>The pydantic v1 field types SD Web UI's request models use, each with its coercion rules.</summary>
internal enum FieldKind
{
    Int,
    Float,
    Bool,
    Str,
    Dict,
    List,
    StrList,
    Any,
    /// <summary>Literal[0, 1] (extras' resize_mode).</summary>
    ZeroOrOne,
}
