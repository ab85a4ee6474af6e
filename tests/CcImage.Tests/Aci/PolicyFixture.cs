// Builds, from a seed, an ARM template with one or more confidential container groups' containers (parameters,
// variables, plain and secure environment variables, ports, commands, volume mounts, probes, security contexts)
// and the image archives it names (docker save legacy layout or OCI layout, layers from LayerFixture), plus the
// --tar mapping. The same seed always gives the same files, so outputs recorded once from `az confcom
// acipolicygen` 1.2.7 stay valid.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CcImage.Tests.Aci;

internal static class PolicyFixture
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes template.json, map.json, img*.tar (and params.json when <paramref name="withParameterFile"/>) into <paramref name="dir"/>.</summary>
    public static void Write(string dir, int seed, out bool withParameterFile)
    {
        var r = new Random(seed);
        var parameters = new JsonObject { ["sec"] = new JsonObject { ["type"] = "secureString" }, ["name"] = new JsonObject { ["type"] = "string", ["defaultValue"] = "grp" } };
        var variables = new JsonObject();
        var parameterValues = new JsonObject();
        var mapping = new JsonObject();
        var containers = new JsonArray();
        var volumes = new JsonArray(
            new JsonObject { ["name"] = "ed", ["emptyDir"] = new JsonObject() },
            new JsonObject { ["name"] = "sec", ["secret"] = new JsonObject { ["k"] = "dg==" } },
            new JsonObject { ["name"] = "af", ["azureFile"] = new JsonObject { ["shareName"] = "s", ["storageAccountName"] = "a" } });
        int count = r.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            string n = i.ToString(CultureInfo.InvariantCulture);
            string image = r.Next(3) switch
            {
                0 => $"myreg.azurecr.io/app{n}:1.{seed % 5}",
                1 => $"app{n}:v{seed % 3}",
                _ => $"reg.io/ns/app{n}:latest",
            };
            string imageRef = image;
            if (r.Next(5) < 2)
            {
                parameters["img" + n] = new JsonObject { ["type"] = "string", ["defaultValue"] = image };
                imageRef = $"[parameters('img{n}')]";
                if (r.Next(3) == 0)
                {
                    parameters["img" + n]!["defaultValue"] = "wrong:tag";
                    parameterValues["img" + n] = new JsonObject { ["value"] = image };
                }
            }
            WriteImage(Path.Combine(dir, $"img{n}.tar"), image, seed * 10 + i, oci: r.Next(2) == 0, r);
            mapping[image] = $"img{n}.tar";

            var props = new JsonObject
            {
                ["image"] = imageRef,
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = 1, ["memoryInGB"] = 1.5 } },
            };
            if (r.Next(5) < 3)
            {
                props["command"] = new JsonArray("/bin/sh", "-c", $"[parameters('p{n}')]");
                parameters["p" + n] = new JsonObject { ["type"] = "string", ["defaultValue"] = "run " + n };
            }
            var envs = new JsonArray();
            for (int j = 0; j < r.Next(0, 6); j++)
            {
                string m = j.ToString(CultureInfo.InvariantCulture);
                switch (r.Next(7))
                {
                    case 0: envs.Add(new JsonObject { ["name"] = "E" + m, ["value"] = "val" + m }); break;
                    case 1: envs.Add(new JsonObject { ["name"] = "S" + m, ["secureValue"] = "[parameters('sec')]" }); break;
                    case 2:
                        variables["v" + m] = "vv" + m;
                        envs.Add(new JsonObject { ["name"] = "V" + m, ["value"] = $"[variables('v{m}')]" });
                        break;
                    case 3:
                        parameters["q" + m] = new JsonObject { ["type"] = "string", ["defaultValue"] = "dq" };
                        envs.Add(new JsonObject { ["name"] = "Q" + m, ["value"] = $"[parameters('q{m}')]" });
                        break;
                    case 4: envs.Add(new JsonObject { ["name"] = "MODE", ["value"] = "" }); break;
                    case 5: envs.Add(new JsonObject { ["name"] = "THIM_ENDPOINT", ["value"] = "===CONFIDENTIAL.THIM.ENDPOINT===" }); break;
                    default: envs.Add(new JsonObject { ["name"] = "U" + m, ["value"] = "ünï☃ \"q\" \\ x" }); break;
                }
            }
            if (envs.Count > 0)
                props["environmentVariables"] = envs;
            if (r.Next(2) == 0)
                props["ports"] = new JsonArray(new JsonObject { ["port"] = 8002, ["protocol"] = "TCP" }, new JsonObject { ["port"] = 8003 });
            var mounts = new JsonArray();
            foreach (var volume in volumes.OrderBy(_ => r.Next()).Take(r.Next(0, 4)))
            {
                string name = volume!["name"]!.GetValue<string>();
                var mount = new JsonObject { ["name"] = name, ["mountPath"] = "/mnt/" + name };
                if (r.Next(5) < 3)
                    mount["readOnly"] = r.Next(2) == 0;
                mounts.Add(mount);
            }
            if (mounts.Count > 0)
                props["volumeMounts"] = mounts;
            if (r.Next(3) == 0)
                props["livenessProbe"] = new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray("cat", "/ok") }, ["periodSeconds"] = 10 };
            if (r.Next(3) == 0)
                props["readinessProbe"] = new JsonObject { ["exec"] = new JsonObject { ["command"] = new JsonArray("true") } };
            if (r.Next(3) == 0)
            {
                var context = new JsonObject();
                if (r.Next(2) == 0) context["privileged"] = r.Next(2) == 0;
                if (r.Next(2) == 0) context["runAsUser"] = r.Next(2) * 1000;
                if (r.Next(3) == 0) context["runAsGroup"] = 100;
                if (r.Next(3) == 0) context["allowPrivilegeEscalation"] = false;
                if (r.Next(3) == 0) context["capabilities"] = new JsonObject { ["add"] = new JsonArray("CAP_SYS_ADMIN"), ["drop"] = new JsonArray("CAP_CHOWN") };
                props["securityContext"] = context;
            }
            string containerName = "c" + n;
            if (r.Next(2) == 0)
            {
                parameters["n" + n] = new JsonObject { ["type"] = "string", ["defaultValue"] = "named" + n };
                containerName = $"[parameters('n{n}')]";
            }
            containers.Add(new JsonObject { ["name"] = containerName, ["properties"] = props });
        }
        var groupProperties = new JsonObject
        {
            ["sku"] = "Confidential",
            ["containers"] = containers,
            ["osType"] = "Linux",
            ["restartPolicy"] = r.Next(2) == 0 ? "Never" : "Always",
            ["volumes"] = volumes,
            ["ipAddress"] = new JsonObject { ["type"] = "Public", ["ports"] = new JsonArray(new JsonObject { ["port"] = 8002, ["protocol"] = "TCP" }) },
        };
        if (r.Next(2) == 0)
            groupProperties["confidentialComputeProperties"] = new JsonObject { ["ccePolicy"] = "" };
        var group = new JsonObject
        {
            ["type"] = "Microsoft.ContainerInstance/containerGroups",
            ["apiVersion"] = "2023-05-01",
            ["name"] = "[parameters('name')]",
            ["location"] = "[resourceGroup().location]",
            ["properties"] = groupProperties,
        };
        if (r.Next(5) == 0)
            group["tags"] = new JsonObject { ["Annotate-zero-sidecar"] = "true" };
        var template = new JsonObject
        {
            ["$schema"] = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            ["contentVersion"] = "1.0.0.0",
            ["parameters"] = parameters,
            ["variables"] = variables,
            ["resources"] = new JsonArray(group),
        };
        File.WriteAllText(Path.Combine(dir, "template.json"), template.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(dir, "map.json"), mapping.ToJsonString());
        withParameterFile = parameterValues.Count > 0;
        if (withParameterFile)
            File.WriteAllText(Path.Combine(dir, "params.json"), new JsonObject { ["parameters"] = parameterValues }.ToJsonString());
    }

    internal static void WriteImage(string path, string name, int seed, bool oci, Random r)
    {
        var layers = new List<byte[]>();
        for (int i = 0; i < r.Next(1, 4); i++)
        {
            string layerPath = path + $".layer{i}";
            LayerFixture.Write(layerPath, seed * 7 + i);
            layers.Add(File.ReadAllBytes(layerPath));
            File.Delete(layerPath);
        }
        string Digest(byte[] b) => "sha256:" + Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = r.Next(3) switch { 0 => null, 1 => new JsonArray("PATH=/usr/bin:/bin", "A=1", "MODE=img"), _ => new JsonArray("X=y=z") },
                ["Cmd"] = r.Next(2) == 0 ? null : new JsonArray("python3", "-m", "srv"),
                ["Entrypoint"] = r.Next(2) == 0 ? null : new JsonArray("/e.sh"),
                ["WorkingDir"] = r.Next(3) switch { 0 => "", 1 => "/app", _ => null },
                ["User"] = r.Next(4) switch { 0 => "", 1 => "1000", 2 => "app:staff", _ => "1000:g" },
                ["StopSignal"] = r.Next(3) switch { 0 => null, 1 => "SIGINT", _ => "9" },
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)Digest(l)).ToArray()) },
        };
        byte[] configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        using var file = File.Create(path);
        var tar = new TestTarWriter(file);
        if (oci)
        {
            string Blob(byte[] data)
            {
                string d = Digest(data);
                tar.Add((byte)'0', "blobs/sha256/" + d[7..], data);
                return d;
            }
            string configDigest = Blob(configBytes);
            var layerDigests = layers.Select(Blob).ToList();
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = configDigest, ["size"] = configBytes.Length },
                ["layers"] = new JsonArray(layers.Select((l, k) => (JsonNode)new JsonObject
                {
                    ["mediaType"] = "application/vnd.oci.image.layer.v1.tar", ["digest"] = layerDigests[k], ["size"] = l.Length,
                }).ToArray()),
            };
            byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
            string manifestDigest = Blob(manifestBytes);
            tar.Add((byte)'0', "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray());
            string full = name.Contains('/', StringComparison.Ordinal) ? name : "docker.io/library/" + name;
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["manifests"] = new JsonArray(new JsonObject
                {
                    ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = manifestDigest, ["size"] = manifestBytes.Length,
                    ["annotations"] = new JsonObject { ["io.containerd.image.name"] = full, ["org.opencontainers.image.ref.name"] = name[(name.LastIndexOf(':') + 1)..] },
                }),
            };
            tar.Add((byte)'0', "index.json", Encoding.UTF8.GetBytes(index.ToJsonString()));
            if (r.Next(2) == 0)
            {
                var docker = new JsonArray(new JsonObject
                {
                    ["Config"] = "blobs/sha256/" + configDigest[7..],
                    ["RepoTags"] = new JsonArray(name),
                    ["Layers"] = new JsonArray(layerDigests.Select(d => (JsonNode)("blobs/sha256/" + d[7..])).ToArray()),
                });
                tar.Add((byte)'0', "manifest.json", Encoding.UTF8.GetBytes(docker.ToJsonString()));
            }
        }
        else
        {
            string configName = Digest(configBytes)[7..] + ".json";
            tar.Add((byte)'0', configName, configBytes);
            var names = layers.Select(l => Digest(l)[7..] + "/layer.tar").ToList();
            for (int i = 0; i < layers.Count; i++)
                tar.Add((byte)'0', names[i], layers[i]);
            var docker = new JsonArray(new JsonObject
            {
                ["Config"] = configName,
                ["RepoTags"] = new JsonArray(name),
                ["Layers"] = new JsonArray(names.Select(x => (JsonNode)x).ToArray()),
            });
            tar.Add((byte)'0', "manifest.json", Encoding.UTF8.GetBytes(docker.ToJsonString()));
        }
        tar.Finish();
    }
}
