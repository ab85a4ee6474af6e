// `ccimage measure`: the SEV / SEV-ES / SEV-SNP launch digest, with the options and output of virtee/sev-snp-measure
// 0.0.13 so that either can stand in for the other. Prints the digest alone on one line.
using CcImage.Core.Caching;
using CcImage.Core.Config;
using System.CommandLine;
using System.Reflection;
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Cli.Commands;

internal static class MeasureCommand
{
    private const string Description = "Calculate the AMD SEV / SEV-ES / SEV-SNP guest launch measurement (as sev-snp-measure).";

    /// <summary>The command as listed by `ccimage --help`; its arguments are read by <see cref="Run"/>.</summary>
    public static Command Create()
    {
        var command = new Command("measure", Description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(result => Run(result.UnmatchedTokens));
        return command;
    }

    /// <summary>Runs `measure` with the arguments that follow it (Program calls this directly, to start fast).</summary>
    public static int Run(IReadOnlyList<string> args) => CliErrors.Guard(() =>
    {
        var o = MeasureArgumentParser.Parse(args);
        if (o.Help)
        {
            Console.Out.Write(HelpText);
            return 0;
        }
        if (o.Version)
        {
            string version = typeof(MeasureCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            Console.Out.WriteLine($"ccimage measure {version.Split('+')[0]} (sev-snp-measure 0.0.13 compatible)");
            return 0;
        }

        // Every input file is checked (a regular file of plausible size) before anything is read, so a device, FIFO or
        // missing file is one clean error naming the option.
        InputFile.Require(o.Ovmf!, "--ovmf", InputFile.MaxFirmwareBytes);
        if (!string.IsNullOrEmpty(o.Kernel))
            InputFile.Require(o.Kernel, "--kernel", InputFile.MaxKernelBytes);
        if (!string.IsNullOrEmpty(o.Initrd))
            InputFile.Require(o.Initrd, "--initrd", InputFile.MaxInitrdBytes);
        if (!string.IsNullOrEmpty(o.Svsm))
            InputFile.Require(o.Svsm, "--svsm", InputFile.MaxFirmwareBytes);

        if (o.Mode == "snp:ovmf-hash")
        {
            Console.Out.WriteLine(Convert.ToHexStringLower(LaunchDigestCalculator.CalculateSnpOvmfHash(o.Ovmf!)));
            return 0;
        }
        if (!string.IsNullOrEmpty(o.Initrd) && o.Kernel == null)
            throw Diag.Error(nameof(Strings.SnpKernelRequired), "--initrd");
        if (!string.IsNullOrEmpty(o.Append) && o.Kernel == null)
            throw Diag.Error(nameof(Strings.SnpKernelRequired), "--append");
        if (o.Mode != "sev" && o.Vcpus == null)
            throw Diag.Error(nameof(Strings.SnpVcpusMissing), o.Mode!);
        if (!Enum.GetNames<VmmType>().Contains(o.VmmType, StringComparer.Ordinal))
            throw Diag.Error(nameof(Strings.SnpUnknownVmmType), o.VmmType);
        var vmmType = Enum.Parse<VmmType>(o.VmmType);
        ulong vcpuSig = ResolveVcpuSig(o, vmmType);
        var mode = o.Mode switch
        {
            "sev" => SevMode.SEV,
            "seves" => SevMode.SEV_ES,
            "snp" => SevMode.SEV_SNP,
            _ => SevMode.SEV_SNP_SVSM,
        };
        System.Numerics.BigInteger varsSize = 0;
        if (mode == SevMode.SEV_SNP_SVSM)
        {
            if (!string.IsNullOrEmpty(o.VarsFile))
                varsSize = new FileInfo(InputFile.Require(o.VarsFile, "--vars-file", InputFile.MaxFirmwareBytes)).Length;
            else if (o.VarsSize is { IsZero: false } size)
                varsSize = size;
            else
                throw Diag.Error(nameof(Strings.SnpSvsmOptionsMissing));
        }
        if (o.DumpVmsa && mode == SevMode.SEV)
            throw Diag.Error(nameof(Strings.SnpDumpVmsaMode));
        var vcpus = o.Vcpus ?? 0;
        if (vcpus > int.MaxValue)
            throw Diag.Error(nameof(Strings.SnpVcpusOutOfRange), vcpus);

        byte[] digest = LaunchDigestCalculator.Calculate(new MeasurementRequest
        {
            Mode = mode,
            OvmfPath = o.Ovmf!,
            Vcpus = vcpus < 0 ? 0 : (int)vcpus,
            VcpuSig = vcpuSig,
            VmmType = vmmType,
            GuestFeatures = IntegerLiteral.ToUInt64Wrapped(o.GuestFeatures),
            KernelPath = o.Kernel,
            InitrdPath = o.Initrd,
            Append = o.Append,
            SnpOvmfHash = o.SnpOvmfHash,
            SvsmPath = o.Svsm,
            OvmfVarsSize = varsSize,
            VmsaObserver = o.DumpVmsa ? DumpVmsa : null,
        });
        string text = o.OutputFormat == "base64" ? Convert.ToBase64String(digest) : Convert.ToHexStringLower(digest);
        Console.Out.WriteLine(o.Verbose ? $"Calculated {mode} guest measurement: {text}" : text);
        return 0;
    });

    /// <summary>The signature QEMU passes in RDX: from family/model/stepping, --vcpu-sig or --vcpu-type, as the reference picks it.</summary>
    private static ulong ResolveVcpuSig(MeasureOptions o, VmmType vmmType)
    {
        if (o.Mode == "sev")
            return 0;
        // A zero family or signature counts as "not given", as in the reference 0.0.13.
        if (o.VcpuFamily is { IsZero: false } family)
        {
            if (o.VcpuModel is not { } model || o.VcpuStepping is not { } stepping)
                throw Diag.Error(nameof(Strings.SnpVcpuFamilyIncomplete));
            return VcpuSignature.Compute(family, model, stepping);
        }
        if (o.VcpuSig is { IsZero: false } sig)
            return IntegerLiteral.ToUInt64Wrapped(sig);
        if (o.VcpuType != null && VcpuSignature.TryGetByType(o.VcpuType, out ulong byType))
            return byType;
        if (vmmType == VmmType.QEMU)
            throw Diag.Error(nameof(Strings.SnpVcpuSignatureMissing), o.Mode!);
        return 0; // EC2 and GCE put a fixed value in RDX; the signature is not used.
    }

    private static void DumpVmsa(int index, byte[] page) => AtomicFile.WriteAllBytes($"vmsa{index}.bin", page);

    private const string HelpText = """
        usage: ccimage measure [-h] [--version] [-v] --mode {sev,seves,snp,snp:ovmf-hash,snp:svsm} [--vcpus N]
                               [--vcpu-type CPUTYPE] [--vcpu-sig VALUE] [--vcpu-family FAMILY] [--vcpu-model MODEL]
                               [--vcpu-stepping STEPPING] [--vmm-type VMMTYPE] --ovmf PATH [--kernel PATH]
                               [--initrd PATH] [--append CMDLINE] [--guest-features VALUE] [--output-format {hex,base64}]
                               [--snp-ovmf-hash HASH] [--dump-vmsa] [--svsm PATH] [--vars-size SIZE | --vars-file PATH]

        Calculate AMD SEV/SEV-ES/SEV-SNP guest launch measurement (same options and output as sev-snp-measure 0.0.13).

        options:
          -h, --help            show this help message and exit
          --version             show the version and exit
          -v, --verbose         print "Calculated <MODE> guest measurement: <digest>"
          --mode {sev,seves,snp,snp:ovmf-hash,snp:svsm}
                                Guest mode
          --vcpus N             Number of guest vcpus (required except in mode sev)
          --vcpu-type CPUTYPE   Type of guest vcpu (EPYC, EPYC-v1, EPYC-v2, EPYC-IBPB, EPYC-v3, EPYC-v4, EPYC-Rome,
                                EPYC-Rome-v1, EPYC-Rome-v2, EPYC-Rome-v3, EPYC-Milan, EPYC-Milan-v1, EPYC-Milan-v2,
                                EPYC-Genoa, EPYC-Genoa-v1, EPYC-Turin)
          --vcpu-sig VALUE      Guest vcpu signature value (decimal, or 0x hex)
          --vcpu-family FAMILY  Guest vcpu family
          --vcpu-model MODEL    Guest vcpu model
          --vcpu-stepping STEPPING
                                Guest vcpu stepping
          --vmm-type VMMTYPE    Type of guest vmm (QEMU, ec2, gce); default QEMU
          --ovmf PATH           OVMF file to calculate hash from
          --kernel PATH         Kernel file to calculate hash from
          --initrd PATH         Initrd file to calculate hash from (use with --kernel)
          --append CMDLINE      Kernel command line to calculate hash from (use with --kernel)
          --guest-features VALUE
                                Guest features (SEV_FEATURES of the VMSA), default 0x1
          --output-format {hex,base64}
                                Measurement output format
          --snp-ovmf-hash HASH  Precalculated hash of the OVMF binary (hex string, from --mode snp:ovmf-hash)
          --dump-vmsa           Write measured VMSAs to vmsa<N>.bin (seves, snp and snp:svsm modes only)

        snp:svsm mode:
          AMD SEV-SNP with Coconut-SVSM; requires --svsm and either --vars-file or --vars-size.
          --svsm PATH           SVSM binary
          --vars-size SIZE      Size of the OVMF_VARS file in bytes (conflicts with --vars-file)
          --vars-file PATH      OVMF_VARS file (conflicts with --vars-size)

        """;
}
