import ESL
import Testing

/// ``SeparatorMask`` (the SSE2 one on x86-64) and its portable twin against a byte-by-byte
/// reading, on blocks holding every byte value at every position.
@Suite struct SeparatorMaskTests {
    @Test func everyByteValueAtEveryPositionGivesTheReferenceMask() {
        var block = [UInt8](repeating: UInt8(ascii: "a"), count: SeparatorMask.blockSize)
        for position in 0..<SeparatorMask.blockSize {
            for value in 0...255 {
                block[position] = UInt8(value)
                expectReference(block)
            }
            block[position] = UInt8(ascii: "a")
        }
    }

    @Test func mixedBlocksGiveTheReferenceMask() {
        // A fixed linear congruential sequence over bytes rich in LFs and colons.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet: [UInt8] = [0x0A, 0x3A, 0x1A, 0x2A, 0x8A, 0xBA, 0x0B, 0x39, 0x00, 0xFF, 0x20, 0x41]
        for _ in 0..<2_000 {
            let block = (0..<SeparatorMask.blockSize).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 59) % alphabet.count]
            }
            expectReference(block)
        }
    }

    private func expectReference(_ block: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var expected: UInt64 = 0
        for (index, byte) in block.enumerated() where byte == 0x0A || byte == 0x3A { expected |= 1 << UInt64(index) }
        block.withUnsafeBytes { raw in
            #expect(SeparatorMask.of(raw.baseAddress!) == expected, sourceLocation: sourceLocation)
            #expect(SeparatorMask.portable(raw.baseAddress!) == expected, sourceLocation: sourceLocation)
        }
    }
}
