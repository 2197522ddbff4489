using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdServerless.Emulator.Api;

namespace SdServerless.Emulator;

/// <summary>Mounts an <see cref="SdWebUiEmulator"/> on an ASP.NET Core host, as the local host does next to the API.</summary>
public static class SdWebUiEmulatorEndpoints
{
    /// <summary>
    /// Maps the emulator's SD Web UI endpoints (/sdapi/v1/…) and its own /emulator/v1/gpus onto
    /// <paramref name="endpoints"/>; a route group gives them a prefix. The emulator's GPU waits end when the host stops.
    /// </summary>
    public static IEndpointRouteBuilder MapSdWebUiEmulator(this IEndpointRouteBuilder endpoints, SdWebUiEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(emulator);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(emulator.Dispose);

        endpoints.MapPost("/sdapi/v1/txt2img", FaultGate.Wrap(emulator, GenerationEndpoint.Txt2ImgAsync));
        endpoints.MapPost("/sdapi/v1/img2img", FaultGate.Wrap(emulator, GenerationEndpoint.Img2ImgAsync));
        endpoints.MapPost("/sdapi/v1/extra-single-image", FaultGate.Wrap(emulator, ExtrasEndpoint.HandleAsync));
        endpoints.MapGet("/sdapi/v1/sd-models", FaultGate.Wrap(emulator, StateEndpoints.SdModelsAsync));
        endpoints.MapPost("/sdapi/v1/refresh-checkpoints", FaultGate.Wrap(emulator, StateEndpoints.RefreshCheckpointsAsync));
        endpoints.MapGet("/sdapi/v1/options", FaultGate.Wrap(emulator, StateEndpoints.GetOptionsAsync));
        endpoints.MapPost("/sdapi/v1/options", FaultGate.Wrap(emulator, StateEndpoints.SetOptionsAsync));
        endpoints.MapGet("/sdapi/v1/progress", FaultGate.Wrap(emulator, StateEndpoints.ProgressAsync));
        endpoints.MapPost("/sdapi/v1/interrupt", FaultGate.Wrap(emulator, StateEndpoints.InterruptAsync));
        endpoints.MapGet("/emulator/v1/gpus", context => StateEndpoints.GpusAsync(context, emulator));
        // Other SD Web UI paths are not emulated: FastAPI's 404 body says so to clients that read it.
        endpoints.Map("/sdapi/{**path}", context => SdResponses.WriteNotFoundAsync(context));
        return endpoints;
    }
}
