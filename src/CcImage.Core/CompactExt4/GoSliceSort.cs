// Go's sort.Slice (pattern-defeating quicksort, Go 1.19 and later, sort/zsortfunc.go) step for step. hcsshim sorts
// the extended attributes of an xattr block with a comparison that is not a strict weak order, so only the very same
// algorithm puts them in the same order; a library sort would write different bytes.
using System.Numerics;

namespace CcImage.Core.CompactExt4;

internal static class GoSliceSort
{
    private const int MaxInsertion = 12;
    private const int ShortestNinther = 50;
    private const int MaxSwaps = 4 * 3;
    private const int PartialMaxSteps = 5;
    private const int ShortestShifting = 50;
    private const int BreakPatternsMinLength = 8;

    private enum SortedHint
    {
        Unknown,
        Increasing,
        Decreasing,
    }

    public static void Sort<T>(IList<T> data, Func<T, T, bool> less)
    {
        var s = new Sorter<T>(data, less);
        int limit = BitOperations.Log2((uint)data.Count) + (data.Count == 0 ? 0 : 1);
        s.Pdqsort(0, data.Count, limit);
    }

    private sealed class Sorter<T>(IList<T> data, Func<T, T, bool> lessThan)
    {
        private bool Less(int i, int j) => lessThan(data[i], data[j]);

        private void Swap(int i, int j) => (data[i], data[j]) = (data[j], data[i]);

        private void InsertionSort(int a, int b)
        {
            for (int i = a + 1; i < b; i++)
                for (int j = i; j > a && Less(j, j - 1); j--)
                    Swap(j, j - 1);
        }

        private void SiftDown(int lo, int hi, int first)
        {
            int root = lo;
            while (true)
            {
                int child = 2 * root + 1;
                if (child >= hi)
                    break;
                if (child + 1 < hi && Less(first + child, first + child + 1))
                    child++;
                if (!Less(first + root, first + child))
                    return;
                Swap(first + root, first + child);
                root = child;
            }
        }

        private void HeapSort(int a, int b)
        {
            int first = a, lo = 0, hi = b - a;
            for (int i = (hi - 1) / 2; i >= 0; i--)
                SiftDown(i, hi, first);
            for (int i = hi - 1; i >= 0; i--)
            {
                Swap(first, first + i);
                SiftDown(lo, i, first);
            }
        }

        public void Pdqsort(int a, int b, int limit)
        {
            bool wasBalanced = true, wasPartitioned = true;
            while (true)
            {
                int length = b - a;
                if (length <= MaxInsertion)
                {
                    InsertionSort(a, b);
                    return;
                }
                if (limit == 0)
                {
                    HeapSort(a, b);
                    return;
                }
                if (!wasBalanced)
                {
                    BreakPatterns(a, b);
                    limit--;
                }
                var (pivot, hint) = ChoosePivot(a, b);
                if (hint == SortedHint.Decreasing)
                {
                    ReverseRange(a, b);
                    pivot = (b - 1) - (pivot - a);
                    hint = SortedHint.Increasing;
                }
                if (wasBalanced && wasPartitioned && hint == SortedHint.Increasing && PartialInsertionSort(a, b))
                    return;
                if (a > 0 && !Less(a - 1, pivot))
                {
                    a = PartitionEqual(a, b, pivot);
                    continue;
                }
                var (mid, alreadyPartitioned) = Partition(a, b, pivot);
                wasPartitioned = alreadyPartitioned;
                int leftLen = mid - a, rightLen = b - mid;
                int balanceThreshold = length / 8;
                if (leftLen < rightLen)
                {
                    wasBalanced = leftLen >= balanceThreshold;
                    Pdqsort(a, mid, limit);
                    a = mid + 1;
                }
                else
                {
                    wasBalanced = rightLen >= balanceThreshold;
                    Pdqsort(mid + 1, b, limit);
                    b = mid;
                }
            }
        }

        private (int, bool) Partition(int a, int b, int pivot)
        {
            Swap(a, pivot);
            int i = a + 1, j = b - 1;
            while (i <= j && Less(i, a))
                i++;
            while (i <= j && !Less(j, a))
                j--;
            if (i > j)
            {
                Swap(j, a);
                return (j, true);
            }
            Swap(i, j);
            i++;
            j--;
            while (true)
            {
                while (i <= j && Less(i, a))
                    i++;
                while (i <= j && !Less(j, a))
                    j--;
                if (i > j)
                    break;
                Swap(i, j);
                i++;
                j--;
            }
            Swap(j, a);
            return (j, false);
        }

        private int PartitionEqual(int a, int b, int pivot)
        {
            Swap(a, pivot);
            int i = a + 1, j = b - 1;
            while (true)
            {
                while (i <= j && !Less(a, i))
                    i++;
                while (i <= j && Less(a, j))
                    j--;
                if (i > j)
                    break;
                Swap(i, j);
                i++;
                j--;
            }
            return i;
        }

        private bool PartialInsertionSort(int a, int b)
        {
            int i = a + 1;
            for (int step = 0; step < PartialMaxSteps; step++)
            {
                while (i < b && !Less(i, i - 1))
                    i++;
                if (i == b)
                    return true;
                if (b - a < ShortestShifting)
                    return false;
                Swap(i, i - 1);
                if (i - a >= 2)
                {
                    for (int j = i - 1; j >= 1; j--)
                    {
                        if (!Less(j, j - 1))
                            break;
                        Swap(j, j - 1);
                    }
                }
                if (b - i >= 2)
                {
                    for (int j = i + 1; j < b; j++)
                    {
                        if (!Less(j, j - 1))
                            break;
                        Swap(j, j - 1);
                    }
                }
            }
            return false;
        }

        private void BreakPatterns(int a, int b)
        {
            int length = b - a;
            if (length < BreakPatternsMinLength)
                return;
            ulong random = (ulong)length;
            uint modulus = 1u << (BitOperations.Log2((uint)length) + 1);
            for (int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++)
            {
                random ^= random << 13;
                random ^= random >> 17;
                random ^= random << 5;
                int other = (int)((uint)random & (modulus - 1));
                if (other >= length)
                    other -= length;
                Swap(idx, a + other);
            }
        }

        private (int, SortedHint) ChoosePivot(int a, int b)
        {
            int l = b - a;
            int swaps = 0;
            int i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
            if (l >= 8)
            {
                if (l >= ShortestNinther)
                {
                    i = MedianAdjacent(i, ref swaps);
                    j = MedianAdjacent(j, ref swaps);
                    k = MedianAdjacent(k, ref swaps);
                }
                j = Median(i, j, k, ref swaps);
            }
            return swaps switch
            {
                0 => (j, SortedHint.Increasing),
                MaxSwaps => (j, SortedHint.Decreasing),
                _ => (j, SortedHint.Unknown),
            };
        }

        private (int, int) Order2(int a, int b, ref int swaps)
        {
            if (Less(b, a))
            {
                swaps++;
                return (b, a);
            }
            return (a, b);
        }

        private int Median(int a, int b, int c, ref int swaps)
        {
            (a, b) = Order2(a, b, ref swaps);
            (b, c) = Order2(b, c, ref swaps);
            (a, b) = Order2(a, b, ref swaps);
            _ = a;
            _ = c;
            return b;
        }

        private int MedianAdjacent(int a, ref int swaps) => Median(a - 1, a, a + 1, ref swaps);

        private void ReverseRange(int a, int b)
        {
            int i = a, j = b - 1;
            while (i < j)
            {
                Swap(i, j);
                i++;
                j--;
            }
        }
    }
}
