// Records which structure owns each host cluster while an image is checked, so overlaps and loops between the
// header, L1/L2 tables, refcount structures and data clusters are found with work bounded by the file size.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Qcow2;

internal sealed class Qcow2ClusterOwners
{
    /// <summary>Up to this many clusters the map is a dense array; beyond it, a dictionary of used clusters.</summary>
    private const long DenseLimit = 1L << 27;

    public enum Owner : byte { None, Header, L1Table, RefcountTable, RefcountBlock, L2Table, Data }

    private readonly byte[]? _dense;
    private readonly Dictionary<long, Owner>? _sparse;
    private readonly string _path;
    private readonly int _clusterBits;

    public Qcow2ClusterOwners(string path, long fileSize, int clusterBits)
    {
        _path = path;
        _clusterBits = clusterBits;
        long clusters = (fileSize + (1L << clusterBits) - 1) >> clusterBits;
        if (clusters <= DenseLimit)
            _dense = new byte[clusters];
        else
            _sparse = new Dictionary<long, Owner>();
    }

    /// <summary>Claims <paramref name="count"/> clusters from <paramref name="offset"/> for <paramref name="owner"/>; throws CCIMG2013 on a clash.</summary>
    public void Claim(long offset, long count, Owner owner)
    {
        long first = offset >> _clusterBits;
        for (long c = first; c < first + count; c++)
        {
            Owner previous;
            if (_dense != null)
            {
                previous = (Owner)_dense[c];
                _dense[c] = (byte)owner;
            }
            else
            {
                _sparse!.TryGetValue(c, out previous);
                _sparse[c] = owner;
            }
            if (previous != Owner.None)
                throw Diag.Error(nameof(Strings.Qcow2Overlap), _path, c << _clusterBits, Describe(previous), Describe(owner));
        }
    }

    /// <summary>Whether host cluster <paramref name="cluster"/> was claimed by any structure.</summary>
    public bool IsClaimed(long cluster) =>
        _dense != null ? cluster < _dense.Length && _dense[cluster] != (byte)Owner.None : _sparse!.ContainsKey(cluster);

    /// <summary>The claimed host clusters, ascending.</summary>
    public IEnumerable<long> Claimed()
    {
        if (_dense != null)
        {
            for (long c = 0; c < _dense.Length; c++)
                if (_dense[c] != (byte)Owner.None)
                    yield return c;
        }
        else
        {
            foreach (long c in _sparse!.Keys.Order())
                yield return c;
        }
    }

    /// <summary>What owns claimed host cluster <paramref name="cluster"/>, in words ("an L2 table").</summary>
    public string Describe(long cluster) =>
        Describe(_dense != null ? (Owner)_dense[cluster] : _sparse!.GetValueOrDefault(cluster));

    private static string Describe(Owner owner) => owner switch
    {
        Owner.Header => "the header",
        Owner.L1Table => "the L1 table",
        Owner.RefcountTable => "the refcount table",
        Owner.RefcountBlock => "a refcount block",
        Owner.L2Table => "an L2 table",
        _ => "a data cluster",
    };
}
