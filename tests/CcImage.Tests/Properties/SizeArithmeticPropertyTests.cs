// Property-based tests (CsCheck) of the size arithmetic: size texts, disk plans and qcow2 geometry either give a
// CcImageException or a result whose numbers add up — never an overflow, a negative size or another exception.
using System.Numerics;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;
using CsCheck;

namespace CcImage.Tests.Properties;

[TestClass]
public class SizeArithmeticPropertyTests
{
    private static readonly string[] Suffixes = ["", "K", "M", "G", "T", "P", "KiB", "MB", "g", "B"];

    private static readonly Gen<long> AnyLong = Gen.OneOf(
        Gen.Long[0, 1L << 20], Gen.Long[0, long.MaxValue], Gen.Long[long.MaxValue - 4096, long.MaxValue],
        Gen.Int[0, 62].Select(b => 1L << b), Gen.Int[0, 62].Select(b => (1L << b) - 1));

    [TestMethod]
    public void SizeParser_AnyNumberAndSuffix_ParsesExactlyOrThrowsCcimg1002()
    {
        Gen.Select(AnyLong, Gen.OneOf(Suffixes), Gen.Bool).Sample((n, suffix, relative) =>
        {
            string text = (relative ? "+" : "") + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + suffix;
            int shift = char.ToUpperInvariant(suffix.FirstOrDefault('x')) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, 'P' => 50, _ => 0 };
            BigInteger expected = (BigInteger)n << shift;
            try
            {
                var (isRelative, bytes) = SizeParser.ParseRelative(text, "the size");
                return isRelative == relative && bytes == expected;
            }
            catch (CcImageException e)
            {
                return e.Code == "CCIMG1002" && expected > long.MaxValue;
            }
        }, iter: 5000);
    }

    [TestMethod]
    public void DiskLayoutPlan_AnyPartitionSizes_PlansAConsistentDiskOrThrowsCcimgError()
    {
        var partitionSizes = Gen.OneOf(AnyLong.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Select(Gen.Long[0, 1L << 20], Gen.OneOf(Suffixes)).Select((n, s) => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + s));
        var diskSize = Gen.OneOf(Gen.Const((long?)null), AnyLong.Select(n => (long?)(n / 512 * 512)));
        Gen.Select(partitionSizes.Array[1, 5], diskSize, Gen.OneOf(512, 4096), Gen.Bool).Sample((sizes, total, sector, fillLast) =>
        {
            var specs = sizes.Select((s, i) => new PartitionSpec("p" + i) { Size = fillLast && i == sizes.Length - 1 ? "*" : s }).ToList();
            DiskPlan plan;
            try
            {
                plan = DiskLayout.Plan(specs, "property", total, sector);
            }
            catch (CcImageException)
            {
                return true;
            }
            if (plan.TotalBytes <= 0 || plan.TotalBytes > DiskLayout.MaxDiskBytes || (total is { } t && plan.TotalBytes != t))
                return false;
            var ordered = plan.Partitions.OrderBy(p => p.FirstLBA).ToList();
            for (int i = 0; i < ordered.Count; i++)
            {
                var p = ordered[i];
                if (p.FirstLBA * sector % DiskLayout.AlignmentBytes != 0 || p.LastLBA < p.FirstLBA || p.LastLBA >= plan.DiskSectors - 1 - 16384 / sector)
                    return false;
                if (i > 0 && p.FirstLBA <= ordered[i - 1].LastLBA)
                    return false;
            }
            return true;
        }, iter: 3000);
    }

    [TestMethod]
    public void Qcow2Geometry_AnySizeUpToTheLimit_FitsTheL1Table()
    {
        Gen.Select(Gen.Int[9, 21], AnyLong).Sample((clusterBits, size) =>
        {
            int clusterSize = 1 << clusterBits;
            long max = Qcow2Writer.MaxVirtualSizeFor(clusterSize);
            long virtualSize = size % (max + 1);
            long l1 = Qcow2Header.RequiredL1Size(virtualSize, clusterBits);
            bool fits = l1 * Qcow2Format.TableEntrySize <= Qcow2Format.MaxL1TableBytes && max <= Qcow2Format.MaxVirtualSize;
            try
            {
                Qcow2Writer.ValidateVirtualSize(size, clusterSize, "the size");
                return fits && size <= max;
            }
            catch (CcImageException e)
            {
                return fits && e.Code == "CCIMG1160" && size > max;
            }
        }, iter: 5000);
    }
}
