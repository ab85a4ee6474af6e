// `ccimage aci …`: Confidential Azure Container Instances. Its sub-commands read their arguments themselves, because
// `policygen` must accept exactly the options (and short forms) of `az confcom acipolicygen`.
using CcImage.Core.Aci;
using CcImage.Core.Aci.Policy;
using CcImage.Core.Registry;

namespace CcImage.Cli.Commands;

internal static class AciCommand
{
    private const string Usage =
        "usage: ccimage aci layer-hash LAYER.tar [--write-ext4 FILE] | ccimage aci policygen -a TEMPLATE --tar ARCHIVE|MAP.json [az confcom options] | ccimage aci push ARCHIVE REGISTRY/REPO:TAG [--user U] [--token-env VAR|--token-file F] [--insecure-http] | ccimage aci base-image ROOTFS.tar NAME OUT.tar | ccimage aci build --base-image ARCHIVE --image REGISTRY/REPO:TAG --out DIR [--startup-kit DIR] [--nvflare-version V --pip-find-links DIR|--pip-index-url URL] [--port N]… [--cpu N] [--memory GB] [--restart-policy P] [--dns-name-label L] [--name GROUP]";

    /// <summary>The command as listed by `ccimage --help`; its arguments are read by <see cref="Run"/>.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("aci", "Confidential Azure Container Instances: layer hashes, ccePolicy, image build and push.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(CliErrors.Action((result, cancellationToken) => Run([.. result.UnmatchedTokens], cancellationToken)));
        return command;
    }

    public static int Run(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        return args[0] switch
        {
            "layer-hash" => CliErrors.Guard(() => LayerHash(args[1..], cancellationToken)),
            "policygen" => CliErrors.Guard(() => PolicyGen(args[1..], cancellationToken)),
            "push" => CliErrors.Guard(() => Push(args[1..], cancellationToken)),
            "build" => CliErrors.Guard(() => Build(args[1..], cancellationToken)),
            "base-image" => CliErrors.Guard(() => BaseImage(args[1..], cancellationToken)),
            _ => UsageError($"unknown aci command '{args[0]}'"),
        };
    }

    internal static int UsageError(string message)
    {
        Console.Error.WriteLine($"ccimage: {message} ({Usage})");
        return 2;
    }

    private static int PolicyGen(string[] args, CancellationToken cancellationToken)
    {
        var (options, error) = PolicyGenArguments.Parse(args);
        if (options is null)
            return UsageError(error!);
        string output = PolicyGenerator.Run(options, Console.In, new StderrLog(verbose: false), cancellationToken);
        var stdout = Console.OpenStandardOutput();
        stdout.Write(System.Text.Encoding.UTF8.GetBytes(output));
        stdout.Flush();
        return 0;
    }

    private static int Push(string[] args, CancellationToken cancellationToken)
    {
        string? archive = null, reference = null, user = null, tokenEnv = null, tokenFile = null;
        bool insecure = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (a)
            {
                case "--user": user = Next(); break;
                case "--token-env": tokenEnv = Next(); break;
                case "--token-file": tokenFile = Next(); break;
                case "--insecure-http": insecure = true; break;
                default:
                    if (a.StartsWith('-'))
                        return UsageError($"unknown option '{a}' for push");
                    if (archive is null)
                        archive = a;
                    else if (reference is null)
                        reference = a;
                    else
                        return UsageError("push takes an archive and a reference");
                    break;
            }
        }
        if (archive is null || reference is null)
            return UsageError("push needs ARCHIVE REGISTRY/REPOSITORY:TAG");
        var credentials = RegistryCredentials.From(user, tokenEnv, tokenFile);
        var result = AciPush.Run(archive, reference, credentials, insecure, new StderrLog(verbose: false), cancellationToken);
        Console.Out.WriteLine($"{result.Reference}@{result.ManifestDigest}");
        return 0;
    }

    private static int Build(string[] args, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ports = new List<int>();
        string[] known = ["--base-image", "--image", "--out", "--startup-kit", "--nvflare-version", "--pip-find-links",
            "--pip-index-url", "--python-version", "--cpu", "--memory", "--restart-policy", "--dns-name-label", "--name", "--port"];
        for (int i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Length)
                return UsageError($"unknown option or missing value '{args[i]}' for build");
            if (args[i] == "--port")
            {
                if (!int.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                    return UsageError($"'{args[i]}' is not a port");
                ports.Add(port);
            }
            else
            {
                values[args[i]] = args[++i];
            }
        }
        foreach (string required in new[] { "--base-image", "--image", "--out" })
            if (!values.ContainsKey(required))
                return UsageError($"build needs {required}");
        double Number(string key, double fallback) =>
            values.TryGetValue(key, out string? v) ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        var request = new AciBuildRequest
        {
            OutputDirectory = values["--out"],
            BaseImageArchive = values["--base-image"],
            ImageName = values["--image"],
            StartupKitDirectory = values.GetValueOrDefault("--startup-kit"),
            NvflareVersion = values.GetValueOrDefault("--nvflare-version"),
            PipFindLinks = values.GetValueOrDefault("--pip-find-links"),
            PipIndexUrl = values.GetValueOrDefault("--pip-index-url"),
            PythonVersion = values.GetValueOrDefault("--python-version") ?? "3.11",
            Cpu = Number("--cpu", 2),
            MemoryInGb = Number("--memory", 4),
            RestartPolicy = values.GetValueOrDefault("--restart-policy") ?? "Never",
            DnsNameLabel = values.GetValueOrDefault("--dns-name-label"),
            ContainerGroupName = values.GetValueOrDefault("--name") ?? "nvflare-server",
            Ports = ports.Count > 0 ? ports : [8002, 8003],
            SourceDateEpoch = CcImage.Core.Config.SourceDateEpoch.Parse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH")),
        };
        var result = AciBuilder.Build(request, new StderrLog(verbose: false), cancellationToken);
        foreach (string file in result.Files)
            Console.Out.WriteLine(file);
        return 0;
    }

    private static int BaseImage(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length != 3 || args.Any(a => a.StartsWith('-')))
            return UsageError("base-image takes ROOTFS.tar NAME OUT.tar");
        long epoch = CcImage.Core.Config.SourceDateEpoch.Parse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"));
        var result = CcImage.Core.Oci.ImageAssembler.FromRootfs(args[0], args[1], epoch, args[2], cancellationToken);
        Console.Out.WriteLine(result.ManifestDigest);
        return 0;
    }

    private static int LayerHash(string[] args, CancellationToken cancellationToken)
    {
        string? layer = null, ext4 = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--write-ext4" && i + 1 < args.Length)
                ext4 = args[++i];
            else if (args[i].StartsWith('-') && args[i] != "-")
                return UsageError($"unknown option '{args[i]}' for layer-hash");
            else if (layer is null)
                layer = args[i];
            else
                return UsageError("layer-hash takes one layer");
        }
        if (layer is null)
            return UsageError("layer-hash needs a layer tar");
        if (ext4 is not null)
            LayerRootHash.WriteExt4(layer, ext4, cancellationToken);
        Console.Out.WriteLine(LayerRootHash.ComputeFile(layer, cancellationToken));
        return 0;
    }
}
