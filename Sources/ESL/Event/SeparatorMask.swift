#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel
#endif

/// Where the LFs and colons of 64 bytes lie, one bit per byte (bit *i* for byte *i*):
/// the only bytes a plain event's header lines are cut at.
///
/// On x86-64 it is SSE2 (part of every x86-64 CPU): 16 bytes compared at a time and
/// their bits gathered with `pmovmskb`, which Swift's portable SIMD types cannot
/// express (their comparisons compile to a loop over the lanes). Elsewhere the same
/// mask comes from 8-byte words (``portable(_:)``), slower but exact.
package enum SeparatorMask {
    /// Bytes covered by one mask.
    package static let blockSize = 64

    /// The mask of the 64 bytes at `block` (all readable).
    @inline(__always)
    package static func of(_ block: UnsafeRawPointer) -> UInt64 {
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
        sse2(block)
        #else
        portable(block)
        #endif
    }

    #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
    @inline(__always)
    static func sse2(_ block: UnsafeRawPointer) -> UInt64 {
        let lf = _mm_set1_epi8(0x0A)
        let colon = _mm_set1_epi8(0x3A)
        var mask: UInt64 = 0
        for part in 0..<4 {
            let bytes = _mm_loadu_si128((block + part * 16).assumingMemoryBound(to: __m128i.self))
            let hits = _mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, colon))
            mask |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(hits))) << UInt64(part * 16)
        }
        return mask
    }
    #endif

    /// The same mask from eight 8-byte words: a byte equal to the pattern becomes 0 after
    /// the XOR, `~(((x & 0x7F…) + 0x7F…) | x)` sets the high bit of exactly the zero
    /// bytes, and a multiply gathers the eight high bits into one byte.
    @inline(__always)
    package static func portable(_ block: UnsafeRawPointer) -> UInt64 {
        var mask: UInt64 = 0
        for word in 0..<8 {
            let bytes = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
            let highs = zeroBytes(bytes ^ 0x0A0A_0A0A_0A0A_0A0A) | zeroBytes(bytes ^ 0x3A3A_3A3A_3A3A_3A3A)
            mask |= (((highs >> 7) &* 0x0102_0408_1020_4080) >> 56) << UInt64(word * 8)
        }
        return mask
    }

    /// 0x80 in each byte of `x` that is zero, 0 in the others.
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }
}
