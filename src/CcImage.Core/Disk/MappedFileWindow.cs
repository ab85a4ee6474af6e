// A read-only, pre-faulted memory map of part of a file (mmap with MAP_POPULATE), lent to a writer so the bytes go from
// the page cache to the output without first being copied into a buffer. As with any mapped read, a file truncated by
// another process while it is mapped ends this one (SIGBUS): only inputs that nothing writes meanwhile are mapped.
using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public sealed unsafe partial class MappedFileWindow : MemoryManager<byte>
{
    private const int PROT_READ = 1;
    private const int MAP_SHARED = 1;
    private const int MAP_POPULATE = 0x8000;
    private static readonly nint MAP_FAILED = -1;
    private static readonly long PageSize = Environment.SystemPageSize;

    private nint _mapping;
    private readonly nuint _mappedLength;
    private readonly int _skip;
    private readonly int _length;

    private MappedFileWindow(nint mapping, nuint mappedLength, int skip, int length)
    {
        _mapping = mapping;
        _mappedLength = mappedLength;
        _skip = skip;
        _length = length;
    }

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="file"/> at <paramref name="offset"/> (all inside
    /// the file); null where mapping is not possible here (not Linux, or mmap refused), so the caller reads instead.</summary>
    public static MappedFileWindow? TryMap(SafeFileHandle file, long offset, int length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0 || offset < 0)
            return null;
        long start = offset / PageSize * PageSize;
        int skip = (int)(offset - start);
        nuint mappedLength = (nuint)(skip + (long)length);
        nint mapping = Mmap(0, mappedLength, PROT_READ, MAP_SHARED | MAP_POPULATE, (int)file.DangerousGetHandle(), start);
        return mapping == MAP_FAILED ? null : new MappedFileWindow(mapping, mappedLength, skip, length);
    }

    public int Length => _length;

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_mapping == 0, this);
        return new Span<byte>((byte*)_mapping + _skip, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_mapping == 0, this);
        return new MemoryHandle((byte*)_mapping + _skip + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        nint mapping = Interlocked.Exchange(ref _mapping, 0);
        if (mapping != 0)
            Munmap(mapping, _mappedLength);
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
