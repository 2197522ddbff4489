namespace SdServerless.Emulator.Images;

/// <summary>Fills one row of pixels (width × channels bytes) for <see cref="PngEncoder"/>.</summary>
public delegate void PngRowFiller(int y, Span<byte> row);
