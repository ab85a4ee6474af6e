// The files of a provisioned site that ship inside ccimage (Provisioning/Assets, embedded): the workload's unit and
// start script, podman's configuration, the launch script's template and the host check.
namespace CcImage.Core.Provisioning;

public static class ProvisioningAssets
{
    private const string ResourcePrefix = "CcImage.Core.Provisioning.Assets.";

    public static byte[] Read(string name)
    {
        using var stream = typeof(ProvisioningAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"No embedded provisioning asset named '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string ReadText(string name) => System.Text.Encoding.UTF8.GetString(Read(name));
}
