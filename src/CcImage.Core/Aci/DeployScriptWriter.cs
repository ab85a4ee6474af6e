// Writes aci/deploy.sh: the guide's last steps with the Azure CLI — get an ACR token, push the image (with
// `ccimage aci push`, which reads the token from an environment variable), and deploy the template with the token
// as the secureString parameter, passed through a pipe so it is never written to a file or shown in a command line.
using System.Globalization;
using System.Text;

namespace CcImage.Core.Aci;

public static class DeployScriptWriter
{
    public static string Script(AciBuildRequest request)
    {
        var (registry, repository, tag) = Oci.ImageReference.Parse(request.ImageName);
        string registryName = registry.Split('.')[0];
        var sb = new StringBuilder();
        sb.Append("#!/usr/bin/env bash\n");
        sb.Append("# Deploys the NVFlare server to a confidential container group (written by ccimage aci build).\n");
        sb.Append("# Needs: the Azure CLI logged in (az login), the resource group, and `ccimage` on PATH for the push.\n");
        sb.Append("# Usage: RESOURCE_GROUP=my-rg ./deploy.sh   (REGISTRY_TOKEN may hold an ACR token already; SKIP_PUSH=1 skips the push)\n");
        sb.Append("set -euo pipefail\n");
        sb.Append("here=$(cd \"$(dirname \"$0\")\" && pwd)\n");
        sb.Append(CultureInfo.InvariantCulture, $"resource_group=${{RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group to deploy into}}\n");
        sb.Append(CultureInfo.InvariantCulture, $"registry={registry}\n");
        sb.Append(CultureInfo.InvariantCulture, $"image={registry}/{repository}:{tag}\n");
        sb.Append("if [ -z \"${REGISTRY_TOKEN:-}\" ]; then\n");
        sb.Append(CultureInfo.InvariantCulture, $"  REGISTRY_TOKEN=$(az acr login --name {registryName} --expose-token --query accessToken -o tsv)\n");
        sb.Append("fi\n");
        sb.Append("export REGISTRY_TOKEN\n");
        sb.Append("if [ -z \"${SKIP_PUSH:-}\" ]; then\n");
        sb.Append("  ccimage aci push \"$here/image.oci.tar\" \"$image\" --token-env REGISTRY_TOKEN\n");
        sb.Append("fi\n");
        sb.Append("az deployment group create --resource-group \"$resource_group\" --template-file \"$here/template.json\" \\\n");
        sb.Append(CultureInfo.InvariantCulture, $"  --parameters @<(printf '{{\"{ArmTemplateWriter.RegistryPasswordParameter}\":{{\"value\":\"%s\"}}}}' \"$REGISTRY_TOKEN\")\n");
        return sb.ToString();
    }
}
