// The push step shared by `ccimage aci push` and the PushAciImage target: validate the reference, push, report.
using CcImage.Core.Diagnostics;
using CcImage.Core.Oci;

namespace CcImage.Core.Registry;

public static class AciPush
{
    public static RegistryPusher.PushResult Run(string archivePath, string reference, RegistryCredentials credentials,
        bool insecureHttp, ILog log, CancellationToken cancellationToken)
    {
        Config.InputFile.Require(archivePath, "the image archive to push");
        if (string.IsNullOrWhiteSpace(reference) || reference.Contains('@', StringComparison.Ordinal) || !reference.Contains('/', StringComparison.Ordinal))
            throw Diag.Error(nameof(Strings.AciPushReferenceInvalid), reference);
        var (registry, repository, tag) = ImageReference.Parse(reference);
        log.Info($"pushing {archivePath} to {registry}/{repository}:{tag} as {credentials}");
        using var pusher = new RegistryPusher(registry, credentials, log, insecureHttp);
        return pusher.PushAsync(archivePath, repository, tag, cancellationToken).GetAwaiter().GetResult();
    }
}
