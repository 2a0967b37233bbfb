/// Finds the LFs and colons of a plain event's header lines, 64 bytes at a time.
///
/// A word of eight bytes is compared with a pattern of eight equal bytes; in
/// `x = word ^ pattern` a byte is zero exactly where the word's byte matched, and
/// `~(((x & 0x7F…7F) + 0x7F…7F) | x | 0x7F…7F)` sets the high bit of exactly those
/// bytes (no borrow crosses bytes, so there are no false hits). Multiplying the high
/// bits, shifted down to bit 0 of each byte, by `0x0102_0408_1020_4080` gathers them
/// into the top byte: bit *k* of the result is byte *k* of the word. Eight words make
/// one 64-bit mask per pattern, which the parser walks with `trailingZeroBitCount`.
enum PlainScanner {
    private static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let lfPattern: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let colonPattern: UInt64 = 0x3A3A_3A3A_3A3A_3A3A

    /// Bit *k* set where byte *k* of `base[0..<count]` is an LF (`lfs`) or a colon
    /// (`colons`); `count` is at most 64, and the bits past it are clear.
    @inline(__always)
    static func masks(_ base: UnsafePointer<UInt8>, count: Int) -> (lfs: UInt64, colons: UInt64) {
        if count == 64 { return fullBlock(UnsafeRawPointer(base)) }
        // A short last block: copied into zeroed words (a zero byte matches neither).
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &words) { padded in
            padded.baseAddress!.copyMemory(from: base, byteCount: count)
            return fullBlock(UnsafeRawPointer(padded.baseAddress!))
        }
    }

    @inline(__always)
    private static func fullBlock(_ base: UnsafeRawPointer) -> (lfs: UInt64, colons: UInt64) {
        var lfs: UInt64 = 0
        var colons: UInt64 = 0
        for part in 0..<4 {
            let bytes = base.loadUnaligned(fromByteOffset: part &* 16, as: SIMD16<UInt8>.self)
            lfs |= bits(bytes .== SIMD16(repeating: 0x0A)) << UInt64(part &* 16)
            colons |= bits(bytes .== SIMD16(repeating: 0x3A)) << UInt64(part &* 16)
        }
        return (lfs, colons)
    }

    private static let weights = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)

    /// Bit *k* (of 16) set where lane *k* of the mask is.
    @inline(__always)
    private static func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt64 {
        let weighted = unsafeBitCast(mask, to: SIMD16<UInt8>.self) & weights
        let halves = unsafeBitCast(weighted, to: SIMD2<UInt64>.self)
        // Each byte holds a distinct bit, so adding the bytes (the multiply's top byte) ORs them.
        return (halves[0] &* 0x0101_0101_0101_0101) >> 56 | ((halves[1] &* 0x0101_0101_0101_0101) >> 56) << 8
    }

    /// Bit *k* (of 8) set where byte *k* of `word` equals the pattern's byte.
    @inline(__always)
    static func matches(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        let zeros = ~(((x & lows) &+ lows) | x | lows)
        return ((zeros >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
}
