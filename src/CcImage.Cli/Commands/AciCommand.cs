// `ccimage aci …`: Confidential Azure Container Instances. Its sub-commands read their arguments themselves, because
// `policygen` must accept exactly the options (and short forms) of `az confcom acipolicygen`.
using CcImage.Core.Aci;
using CcImage.Core.Aci.Policy;

namespace CcImage.Cli.Commands;

internal static class AciCommand
{
    private const string Usage =
        "usage: ccimage aci layer-hash LAYER.tar [--write-ext4 FILE] | ccimage aci policygen … | ccimage aci push … | ccimage aci build …";

    public static int Run(string[] args)
    {
        CliErrors.InstallCancellation();
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        return args[0] switch
        {
            "layer-hash" => CliErrors.Guard(() => LayerHash(args[1..])),
            "policygen" => CliErrors.Guard(() => PolicyGen(args[1..])),
            _ => UsageError($"unknown aci command '{args[0]}'"),
        };
    }

    internal static int UsageError(string message)
    {
        Console.Error.WriteLine($"ccimage: {message} ({Usage})");
        return 2;
    }

    private static int PolicyGen(string[] args)
    {
        var (options, error) = PolicyGenArguments.Parse(args);
        if (options is null)
            return UsageError(error!);
        string output = PolicyGenerator.Run(options, Console.In, new StderrLog(verbose: false), CliErrors.Token);
        var stdout = Console.OpenStandardOutput();
        stdout.Write(System.Text.Encoding.UTF8.GetBytes(output));
        stdout.Flush();
        return 0;
    }

    private static int LayerHash(string[] args)
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
            LayerRootHash.WriteExt4(layer, ext4, CliErrors.Token);
        Console.Out.WriteLine(LayerRootHash.ComputeFile(layer, CliErrors.Token));
        return 0;
    }
}
