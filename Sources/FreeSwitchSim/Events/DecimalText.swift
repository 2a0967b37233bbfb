/// Decimal digits written straight into an output buffer: event headers carry a
/// timestamp and a sequence number each, and `String(value)` would allocate a heap
/// string (a µs timestamp has 16 digits, past the small-string limit) per header.
enum DecimalText {
    static func append(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            // Int64.min has no positive counterpart; go through its magnitude.
            appendMagnitude(value.magnitude, to: &out)
        } else {
            appendMagnitude(UInt64(value), to: &out)
        }
    }

    static func append(_ value: Int, to out: inout [UInt8]) { append(Int64(value), to: &out) }

    /// The number of digits of a non-negative `value`.
    static func count(_ value: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }

    static func append(_ value: UInt64, to out: inout [UInt8]) { appendMagnitude(value, to: &out) }

    private static func appendMagnitude(_ value: UInt64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            var index = count - 1
            while index >= 0 {
                out.append(buffer[index])
                index -= 1
            }
        }
    }
}
