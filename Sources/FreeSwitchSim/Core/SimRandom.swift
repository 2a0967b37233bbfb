/// A small, seedable generator (SplitMix64), so simulated delays and failures repeat
/// from run to run.
struct SimRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A random v4 UUID string.
    mutating func uuid() -> String {
        let a = next()
        let b = next()
        let hex = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { out.append("-") }
            var nibble: Int
            if index < 16 { nibble = Int((a >> UInt64(60 - index * 4)) & 0xF) } else {
                nibble = Int((b >> UInt64(60 - (index - 16) * 4)) & 0xF)
            }
            if index == 12 { nibble = 4 }
            if index == 16 { nibble = 8 | (nibble & 3) }
            out.append(hex[nibble])
        }
        return out
    }
}
