// Writes the ARM template for the NVFlare server's confidential container group: sku Confidential, the ports
// (public IP and container), CPU and memory, restart policy, registry credentials whose password is the
// secureString parameter registryPassword (so the token is never in the file), and the ccePolicy (empty until the
// policy is computed). Written with Python's json.dumps(indent=2) layout, as `az confcom` rewrites templates.
// Spec: Microsoft.ContainerInstance/containerGroups ARM reference (2023-05-01).
using System.Text.Json.Nodes;
using CcImage.Core.Aci.Policy;

namespace CcImage.Core.Aci;

public static class ArmTemplateWriter
{
    public const string RegistryPasswordParameter = "registryPassword";
    private const string ApiVersion = "2023-05-01";

    public static JsonObject Build(AciBuildRequest request, IReadOnlyList<string> command, string ccePolicy)
    {
        string registry = Oci.ImageReference.Parse(request.ImageName).Registry;
        var ports = new JsonArray(request.Ports.Select(p => (JsonNode)new JsonObject { ["port"] = p, ["protocol"] = "TCP" }).ToArray());
        var ipAddress = new JsonObject { ["type"] = "Public", ["ports"] = ports.DeepClone() };
        if (!string.IsNullOrEmpty(request.DnsNameLabel))
            ipAddress["dnsNameLabel"] = request.DnsNameLabel;
        return new JsonObject
        {
            ["$schema"] = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            ["contentVersion"] = "1.0.0.0",
            ["parameters"] = new JsonObject
            {
                ["containerGroupName"] = new JsonObject { ["type"] = "string", ["defaultValue"] = request.ContainerGroupName },
                ["location"] = new JsonObject { ["type"] = "string", ["defaultValue"] = "[resourceGroup().location]" },
                [RegistryPasswordParameter] = new JsonObject { ["type"] = "secureString" },
            },
            ["resources"] = new JsonArray(new JsonObject
            {
                ["type"] = "Microsoft.ContainerInstance/containerGroups",
                ["apiVersion"] = ApiVersion,
                ["name"] = "[parameters('containerGroupName')]",
                ["location"] = "[parameters('location')]",
                ["properties"] = new JsonObject
                {
                    ["sku"] = "Confidential",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = request.ContainerName,
                        ["properties"] = new JsonObject
                        {
                            ["image"] = request.ImageName,
                            ["command"] = new JsonArray(command.Select(c => (JsonNode)c).ToArray()),
                            ["ports"] = ports,
                            ["resources"] = new JsonObject
                            {
                                ["requests"] = new JsonObject { ["cpu"] = request.Cpu, ["memoryInGB"] = request.MemoryInGb },
                            },
                        },
                    }),
                    ["imageRegistryCredentials"] = new JsonArray(new JsonObject
                    {
                        ["server"] = registry,
                        ["username"] = request.RegistryUser,
                        ["password"] = $"[parameters('{RegistryPasswordParameter}')]",
                    }),
                    ["ipAddress"] = ipAddress,
                    ["osType"] = "Linux",
                    ["restartPolicy"] = request.RestartPolicy,
                    ["confidentialComputeProperties"] = new JsonObject { ["ccePolicy"] = ccePolicy },
                },
            }),
        };
    }

    public static string Text(JsonObject template) => PyJson.DumpsIndented(template);
}
