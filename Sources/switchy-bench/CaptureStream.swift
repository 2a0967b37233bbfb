import ESL
import TestSupport

/// The benchmark input: the event frames of the real capture
/// `06-burst-20-calls-plain-all.raw` (20 calls, `event plain ALL`), byte for byte,
/// repeated until the buffer holds at least `minimumBytes`.
///
/// The capture's non-event frames (the greeting, command replies, api responses and
/// the closing disconnect notice) are left out: a ``Connection`` would refuse replies
/// nobody asked for, and all three stream figures use the same bytes. In every copy
/// after the first, the first 8 hex digits of each uuid are replaced by the copy's
/// number (same length, so `Content-Length` still holds): the call tracker then sees
/// 20 new calls in each copy instead of ignoring events for calls that have ended.
struct CaptureStream: Sendable {
    static let captureName = "06-burst-20-calls-plain-all"

    /// The repeated bytes.
    let bytes: [UInt8]
    /// Event frames in one copy.
    let eventsPerCopy: Int
    /// Copies in ``bytes``.
    let copies: Int
    /// The size of the largest frame, in bytes.
    let largestFrame: Int

    var eventCount: Int { eventsPerCopy * copies }

    init(minimumBytes: Int) throws {
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw(Self.captureName))
        var one: [UInt8] = []
        var events = 0
        var largest = 0
        while let frame = try decoder.next() {
            guard frame.contentType.isEvent else { continue }
            one.append(contentsOf: frame.rawBytes)
            largest = max(largest, frame.rawBytes.count)
            events += 1
        }
        let uuids = Self.uuidOffsets(in: one)
        let copies = max(1, (minimumBytes + one.count - 1) / one.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(one.count * copies)
        for copy in 0..<copies {
            let start = bytes.count
            bytes.append(contentsOf: one)
            guard copy > 0 else { continue }
            let prefix = Self.hex8(copy)
            for offset in uuids {
                for index in 0..<8 { bytes[start + offset + index] = prefix[index] }
            }
        }
        self.bytes = bytes
        self.eventsPerCopy = events
        self.copies = copies
        self.largestFrame = largest
    }

    /// Offsets of every `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lowercase hex).
    static func uuidOffsets(in bytes: [UInt8]) -> [Int] {
        func isHex(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) }
        let dashes: Set<Int> = [8, 13, 18, 23]
        var offsets: [Int] = []
        var index = 0
        scan: while index + 36 <= bytes.count {
            if index > 0, isHex(bytes[index - 1]) {
                index += 1
                continue
            }
            for position in 0..<36 {
                let byte = bytes[index + position]
                let ok = dashes.contains(position) ? byte == UInt8(ascii: "-") : isHex(byte)
                if !ok {
                    index += 1
                    continue scan
                }
            }
            if index + 36 < bytes.count, isHex(bytes[index + 36]) {
                index += 1
                continue
            }
            offsets.append(index)
            index += 36
        }
        return offsets
    }

    static func hex8(_ value: Int) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).reversed().map { digits[(value >> ($0 * 4)) & 0xF] }
    }
}
