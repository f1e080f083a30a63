namespace YieldLoop.Internal;

/// <summary>Bit operations: the BCL's intrinsics where the target has them, portable code on netstandard2.1.</summary>
internal static class Bitwise
{
#if NETSTANDARD2_1
    internal static int TrailingZeroCount(ulong value)
    {
        if (value == 0)
        {
            return 64;
        }

        int n = 0;
        while ((value & 1) == 0)
        {
            value >>= 1;
            n++;
        }

        return n;
    }

    internal static int LeadingZeroCount(ulong value)
    {
        if (value == 0)
        {
            return 64;
        }

        int n = 0;
        while ((value & (1UL << 63)) == 0)
        {
            value <<= 1;
            n++;
        }

        return n;
    }

    internal static ulong RotateRight(ulong value, int offset) => (value >> offset) | (value << (64 - offset));
#else
    internal static int TrailingZeroCount(ulong value) => System.Numerics.BitOperations.TrailingZeroCount(value);

    internal static int LeadingZeroCount(ulong value) => System.Numerics.BitOperations.LeadingZeroCount(value);

    internal static ulong RotateRight(ulong value, int offset) => System.Numerics.BitOperations.RotateRight(value, offset);
#endif
}
